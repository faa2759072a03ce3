import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { evaluateXPathToBoolean, evaluateXPathToNodes, evaluateXPathToString } from './fontoxpath';
import { Schema } from 'node-schematron';
import { Document, Element, Node } from 'slimdom';
import { En16931Error } from './errors';
import { locationOf, parseXml } from './xml';

/**
 * EN 16931 validation of UBL 2.1 with the official CEN/TC 434 Schematron (release 1.3.16,
 * `rules/EN16931-UBL-validation-preprocessed.sch`, EUPL-1.2).
 *
 * node-schematron parses the Schematron into patterns, rules and asserts; we evaluate them with
 * fontoxpath ourselves because node-schematron's own `validateDocument` finds each rule's nodes
 * with `//(context)`. For contexts such as `/ubl:Invoice/...` or `*[ends-with(name(),'Amount')]`,
 * fontoxpath evaluates that inner path once per node of the document and sorts the results:
 * 5–13 s per invoice, 95 % of it there (measured; see docs/spec/en16931.md). We split each
 * context at its top-level `|` and evaluate every branch once from the document root
 * (`descendant::branch`, or the branch itself when absolute). Match patterns and these paths
 * select the same nodes because no EN 16931 context has a positional predicate (checked at load).
 * Per pattern a node is handled by its first matching rule only (ISO Schematron §6.5).
 */

export type RuleFlag = 'fatal' | 'warning';

export interface RuleFailure {
  /** The rule's id in the Schematron: 'BR-01', 'BR-CO-10', 'UBL-CR-001', … */
  readonly ruleId: string;
  readonly flag: RuleFlag;
  readonly message: string;
  /** XPath of the node the rule was checked on. */
  readonly location: string;
}

export interface ValidationReport {
  readonly fatal: RuleFailure[];
  readonly warnings: RuleFailure[];
}

interface CompiledAssert {
  readonly id: string;
  readonly flag: RuleFlag;
  readonly test: string;
  readonly isReport: boolean;
  readonly message: readonly MessageChunk[];
}
type MessageChunk = string | { readonly select: string };

interface CompiledRule {
  readonly branches: readonly string[];
  readonly asserts: readonly CompiledAssert[];
}

const RULES_PATH = join(__dirname, 'rules', 'EN16931-UBL-validation-preprocessed.sch');
const SCH_NS = 'http://purl.oclc.org/dsdl/schematron';

/** Splits an XPath union at its top-level `|` (not inside brackets, parentheses or strings). */
export function splitUnion(expression: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let current = '';
  for (const ch of expression) {
    if (quote) {
      current += ch;
      if (ch === quote) quote = null;
      continue;
    }
    if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '[' || ch === '(') depth++;
    else if (ch === ']' || ch === ')') depth--;
    else if (ch === '|' && depth === 0) {
      out.push(current.trim());
      current = '';
      continue;
    }
    current += ch;
  }
  out.push(current.trim());
  return out;
}

const POSITIONAL = /\[\s*(\d|last\(|position\()|position\(\)|last\(\)/;

/**
 * `//cac:X` → `/descendant::cac:X` outside string literals. Both select the same nodes unless a
 * predicate is positional (then the test is left alone); fontoxpath runs the second ~4× faster
 * because it walks one axis instead of `descendant-or-self::node()/child::` plus a sort.
 */
export function rewriteDescendants(test: string): string {
  if (POSITIONAL.test(test)) return test;
  return test
    .split(/('[^']*'|"[^"]*")/)
    .map((part, i) =>
      i % 2 === 1
        ? part
        : part.replace(/(^|[^/\w:])\/\/(?=[A-Za-z_][\w.-]*:[A-Za-z_])/g, '$1/descendant::'),
    )
    .join('');
}

/** The path that selects, from the document node, every node a match-pattern branch matches. */
function branchToPath(branch: string): string {
  if (POSITIONAL.test(branch)) {
    throw new En16931Error('SCHEMATRON_INVALID', `positional predicate in rule context ${branch}`);
  }
  if (branch.startsWith('//')) return `descendant::${branch.slice(2)}`;
  if (branch.startsWith('/')) return branch;
  return `descendant::${branch}`;
}

function messageChunks(chunks: ReadonlyArray<string | object>): MessageChunk[] {
  return chunks.map((chunk) => {
    if (typeof chunk === 'string') return chunk;
    const c = chunk as { $type?: string; select?: string; path?: string };
    if (c.$type === 'value-of' && c.select) return { select: c.select };
    if (c.$type === 'name') return { select: `name(${c.path ?? ''})` };
    throw new En16931Error('SCHEMATRON_INVALID', `unsupported message element ${String(c.$type)}`);
  });
}

/** Reads every assert's flag (the assert's own, else its rule's), which node-schematron drops. */
function flagsById(schDoc: Document): Map<string, RuleFlag> {
  const flags = new Map<string, RuleFlag>();
  for (const el of evaluateXPathToNodes<Element>(
    '//(sch:assert|sch:report)',
    schDoc,
    null,
    {},
    { namespaceResolver: (p: string) => (p === 'sch' ? SCH_NS : null) },
  )) {
    const id = el.getAttribute('id');
    const flag = el.getAttribute('flag') ?? (el.parentNode as Element).getAttribute('flag');
    if (!id) continue;
    if (flag !== 'fatal' && flag !== 'warning') {
      throw new En16931Error('SCHEMATRON_INVALID', `assert ${id} has flag ${String(flag)}`);
    }
    flags.set(id, flag);
  }
  return flags;
}

/** A loaded Schematron; build one per process (loading takes ~0.3 s) and reuse it. */
export interface UblValidatorOptions {
  /** Apply {@link rewriteDescendants} to assert tests (default true; false for comparison tests). */
  readonly rewriteDescendants?: boolean;
}

export class UblValidator {
  private readonly rulesByPattern: readonly (readonly CompiledRule[])[];
  private readonly namespaces: ReadonlyMap<string, string>;
  private readonly resolve = (prefix: string): string | null => this.namespaces.get(prefix) ?? null;

  constructor(schematronXml: string, opts: UblValidatorOptions = {}) {
    const rewrite = opts.rewriteDescendants ?? true;
    const schDoc = parseXml(schematronXml);
    const schema = Schema.fromDom(schDoc);
    const flags = flagsById(schDoc);
    this.namespaces = new Map(schema.namespaces.map((ns) => [ns.prefix, ns.uri]));
    if (schema.variables.length > 0 || schema.patterns.some((p) => p.variables.length > 0)) {
      // The EN 16931 UBL rules have no <let>; refuse a schema that needs them rather than ignore them.
      throw new En16931Error('SCHEMATRON_INVALID', 'sch:let is not supported');
    }
    this.rulesByPattern = schema.patterns.map((pattern) =>
      pattern.rules.map((rule) => {
        if (rule.variables.length > 0) {
          throw new En16931Error('SCHEMATRON_INVALID', `sch:let in rule ${rule.context}`);
        }
        return {
          branches: splitUnion(rule.context).map(branchToPath),
          asserts: rule.asserts.map((a) => {
            const id = a.id ?? '';
            const flag = flags.get(id);
            if (!flag)
              throw new En16931Error('SCHEMATRON_INVALID', `assert without id/flag: ${a.test}`);
            const test = rewrite ? rewriteDescendants(a.test) : a.test;
            return { id, flag, test, isReport: a.isReport, message: messageChunks(a.message) };
          }),
        };
      }),
    );
  }

  /** Every assert id with its flag, in Schematron order. */
  ruleIds(): Map<string, RuleFlag> {
    const out = new Map<string, RuleFlag>();
    for (const rules of this.rulesByPattern)
      for (const r of rules) for (const a of r.asserts) out.set(a.id, a.flag);
    return out;
  }

  validateString(xml: string): ValidationReport {
    return this.validateDocument(parseXml(xml));
  }

  validateDocument(doc: Document): ValidationReport {
    const options = { namespaceResolver: this.resolve };
    const fatal: RuleFailure[] = [];
    const warnings: RuleFailure[] = [];
    for (const rules of this.rulesByPattern) {
      const handled = new Set<Node>();
      for (const rule of rules) {
        const nodes: Node[] = [];
        for (const branch of rule.branches) {
          for (const node of evaluateXPathToNodes<Node>(branch, doc, null, {}, options)) {
            if (handled.has(node)) continue;
            handled.add(node);
            nodes.push(node);
          }
        }
        for (const node of nodes) {
          for (const a of rule.asserts) {
            const failure = this.check(a, node, options);
            if (failure) (failure.flag === 'fatal' ? fatal : warnings).push(failure);
          }
        }
      }
    }
    return { fatal, warnings };
  }

  private check(
    a: CompiledAssert,
    node: Node,
    options: { namespaceResolver: (p: string) => string | null },
  ): RuleFailure | null {
    let holds: boolean;
    let note = '';
    try {
      holds = evaluateXPathToBoolean(a.test, node, null, {}, options) !== a.isReport;
    } catch (e) {
      // A dynamic error (e.g. xs:decimal('12,5')) stops an XSLT validator outright; here it counts
      // as the rule failing on this node, with the error in the message.
      holds = false;
      note = ` (evaluation error: ${e instanceof Error ? e.message.split('\n')[0] : String(e)})`;
    }
    if (holds) return null;
    const message = a.message
      .map((c) =>
        typeof c === 'string' ? c : evaluateXPathToString(c.select, node, null, {}, options),
      )
      .join('')
      .replace(/\s+/g, ' ')
      .trim();
    return { ruleId: a.id, flag: a.flag, message: message + note, location: locationOf(node) };
  }
}

let shared: UblValidator | undefined;

/** The process-wide validator for the bundled EN 16931 rules, loaded on first use. */
export function ublValidator(): UblValidator {
  shared ??= new UblValidator(readFileSync(RULES_PATH, 'utf8'));
  return shared;
}

/** The bundled EN 16931 UBL Schematron text (for building a validator with other options). */
export function en16931UblSchematron(): string {
  return readFileSync(RULES_PATH, 'utf8');
}

/** Validates a UBL 2.1 Invoice or CreditNote against the EN 16931 rules. Throws En16931Error on malformed XML. */
export function validateUbl(xml: string): ValidationReport {
  return ublValidator().validateString(xml);
}

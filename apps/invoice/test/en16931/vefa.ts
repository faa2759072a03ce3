import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { evaluateXPathToNodes } from '../../src/en16931/fontoxpath';
import { Document, Element, parseXmlDocument } from 'slimdom';
import { En16931Error, type UblValidator } from '../../src/en16931';

/**
 * Runs the CEN/TC 434 VEFA unit tests (namespace http://difi.no/xsd/vefa/validator/1.0): each
 * <test> holds one UBL fragment and <success>RULE</success> (RULE must not fire),
 * <error>RULE</error> (must fire as fatal) or <warning>RULE</warning> (must fire as warning).
 */

const VEFA = 'http://difi.no/xsd/vefa/validator/1.0';
export const FIXTURES = join(__dirname, '..', 'fixtures', 'en16931');

/** The official UBL examples (CEN/TC 434), by file name, in name order. */
export const UBL_EXAMPLES_DIR = join(FIXTURES, 'ubl-examples');
export const ublExamples = readdirSync(UBL_EXAMPLES_DIR)
  .filter((f) => f.endsWith('.xml'))
  .sort();
export const ublExample = (name: string) => readFileSync(join(UBL_EXAMPLES_DIR, name), 'utf8');

/** The En16931Error code `fn` throws, or undefined when it throws none (others rethrown). */
export function en16931Code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    if (e instanceof En16931Error) return e.code;
    throw e;
  }
  return undefined;
}

export type Expectation = 'success' | 'error' | 'warning';

export interface VefaOutcome {
  readonly file: string;
  readonly test: number;
  readonly rule: string;
  readonly expected: Expectation;
  readonly pass: boolean;
  readonly fired: readonly string[];
  readonly description: string;
}

const ns = { namespaceResolver: (p: string) => (p === 'v' ? VEFA : null) };

function fragmentDocument(test: Element): Document {
  const root = evaluateXPathToNodes<Element>('*[not(self::v:assert)]', test, null, {}, ns);
  if (root.length !== 1) throw new Error(`a VEFA test has ${root.length} documents`);
  const doc = new Document();
  doc.appendChild(root[0]!.cloneNode(true));
  return doc;
}

export function runVefaFile(validator: UblValidator, file: string): VefaOutcome[] {
  const set = parseXmlDocument(readFileSync(file, 'utf8'));
  const out: VefaOutcome[] = [];
  evaluateXPathToNodes<Element>('/v:testSet/v:test', set, null, {}, ns).forEach((test, i) => {
    const report = validator.validateDocument(fragmentDocument(test));
    const fatal = new Set(report.fatal.map((f) => f.ruleId));
    const warning = new Set(report.warnings.map((f) => f.ruleId));
    const description = evaluateXPathToNodes<Element>('v:assert/v:description', test, null, {}, ns)
      .map((d) => d.textContent ?? '')
      .join(' ');
    for (const exp of evaluateXPathToNodes<Element>(
      'v:assert/(v:success|v:error|v:warning)',
      test,
      null,
      {},
      ns,
    )) {
      const rule = (exp.textContent ?? '').trim();
      const expected = exp.localName as Expectation;
      const pass =
        expected === 'success'
          ? !fatal.has(rule) && !warning.has(rule)
          : expected === 'error'
            ? fatal.has(rule)
            : warning.has(rule);
      out.push({
        file: file.split('/').pop() ?? file,
        test: i + 1,
        rule,
        expected,
        pass,
        fired: [...fatal, ...warning].filter((r) => r.startsWith(rule.split('-')[0] ?? '')),
        description: description.trim(),
      });
    }
  });
  return out;
}

export function vefaFiles(): string[] {
  const dir = join(FIXTURES, 'unit-tests-ubl-invoice');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.xml'))
    .sort()
    .map((f) => join(dir, f));
}

import {
  En16931Error,
  UblValidator,
  en16931UblSchematron,
  rewriteDescendants,
  ublValidator,
  validateUbl,
} from '../../src/en16931';
import { runVefaFile, ublExample as example, ublExamples as examples, vefaFiles } from './vefa';

describe('EN 16931 UBL validation (official CEN/TC 434 Schematron 1.3.16)', () => {
  beforeAll(() => {
    ublValidator();
  });

  it('passes at least 95 % of the official VEFA unit-test assertions', () => {
    const started = Date.now();
    const outcomes = vefaFiles().flatMap((f) => runVefaFile(ublValidator(), f));
    const passed = outcomes.filter((o) => o.pass).length;
    const rate = (100 * passed) / outcomes.length;
    const failures = outcomes
      .filter((o) => !o.pass)
      .map(
        (o) =>
          `  ${o.file} test ${o.test}: expected ${o.expected} ${o.rule}; fired [${o.fired.join(', ')}] — ${o.description}`,
      );
    console.log(
      [
        `EN 16931 VEFA unit tests: ${passed}/${outcomes.length} assertions pass (${rate.toFixed(1)} %)` +
          ` in ${vefaFiles().length} files, ${Date.now() - started} ms`,
        ...failures,
      ].join('\n'),
    );
    expect(outcomes.length).toBeGreaterThan(250);
    expect(outcomes.filter((o) => o.expected === 'error').length).toBeGreaterThan(100);
    expect(rate).toBeGreaterThanOrEqual(95);
  });

  it('the harness fails when a rule is missing (BR-CO-10 removed from the Schematron)', () => {
    const sch = en16931UblSchematron().replace(/<assert id="BR-CO-10"[\s\S]*?<\/assert>/, '');
    const crippled = new UblValidator(sch);
    expect(crippled.ruleIds().has('BR-CO-10')).toBe(false);
    const file = vefaFiles().find((f) => f.endsWith('/BR-CO-10.xml'))!;
    const outcomes = runVefaFile(crippled, file);
    expect(outcomes.filter((o) => o.expected === 'error' && !o.pass).length).toBeGreaterThan(0);
    expect(runVefaFile(ublValidator(), file).every((o) => o.pass)).toBe(true);
  });

  it.each(examples)('official example %s has no fatal error', (name) => {
    const report = validateUbl(example(name));
    expect(report.fatal).toEqual([]);
  });

  it('reports a missing invoice number as BR-02 with its rule id, flag and location', () => {
    const xml = example('ubl-tc434-example1.xml').replace('<cbc:ID>12115118</cbc:ID>', '');
    const report = validateUbl(xml);
    const br02 = report.fatal.find((f) => f.ruleId === 'BR-02');
    expect(br02).toMatchObject({ flag: 'fatal', location: '/Invoice[1]' });
    expect(br02?.message).toContain('Invoice number (BT-1)');
  });

  it('reports a wrong line total as BR-CO-10 and keeps warnings apart', () => {
    const xml = example('ubl-tc434-example1.xml').replace(
      '<cbc:LineExtensionAmount currencyID="EUR">229.60</cbc:LineExtensionAmount>',
      '<cbc:LineExtensionAmount currencyID="EUR">229.70</cbc:LineExtensionAmount>',
    );
    const report = validateUbl(xml);
    expect(report.fatal.map((f) => f.ruleId)).toContain('BR-CO-10');
    expect(report.fatal.every((f) => f.flag === 'fatal')).toBe(true);
    expect(report.warnings.every((f) => f.flag === 'warning')).toBe(true);
  });

  it.each([
    ['not XML', 'hello'],
    [
      'unclosed element',
      '<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2">',
    ],
    ['a DOCTYPE', '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>'],
  ])('refuses %s with En16931Error XML_MALFORMED', (_label, xml) => {
    let caught: unknown;
    try {
      validateUbl(xml);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(En16931Error);
    expect((caught as En16931Error).code).toBe('XML_MALFORMED');
  });

  it('refuses a non-string input', () => {
    expect(() => validateUbl(42 as unknown as string)).toThrow(
      expect.objectContaining({ code: 'XML_MALFORMED' }),
    );
  });

  it('rewrites //x to /descendant::x only outside strings and without positional predicates', () => {
    expect(rewriteDescendants("exists(//cac:A[cbc:B='//c:d'])")).toBe(
      "exists(/descendant::cac:A[cbc:B='//c:d'])",
    );
    expect(rewriteDescendants('exists(//cac:A[1])')).toBe('exists(//cac:A[1])');
    expect(rewriteDescendants('cac:A//cbc:B')).toBe('cac:A//cbc:B');
  });

  it('gives the same reports with and without the // rewrite (examples and three VEFA files)', () => {
    const plain = new UblValidator(en16931UblSchematron(), { rewriteDescendants: false });
    for (const name of examples) {
      const xml = example(name);
      expect(plain.validateString(xml)).toEqual(ublValidator().validateString(xml));
    }
    const broken = example('ubl-tc434-example2.xml').replace(
      /<cbc:ID>S<\/cbc:ID>/g,
      '<cbc:ID>Z</cbc:ID>',
    );
    const a = plain.validateString(broken);
    expect(a.fatal.length).toBeGreaterThan(0);
    expect(ublValidator().validateString(broken)).toEqual(a);
    for (const f of vefaFiles().filter((p) => /\/BR-(S-08-1|CO-14|CO-18)\.xml$/.test(p))) {
      expect(runVefaFile(plain, f)).toEqual(runVefaFile(ublValidator(), f));
    }
  });

  it('validates a full official example in well under a second once loaded', () => {
    const xml = example('ubl-tc434-example1.xml');
    validateUbl(xml);
    const started = Date.now();
    for (let i = 0; i < 3; i++) validateUbl(xml);
    const each = (Date.now() - started) / 3;
    console.log(`EN 16931 validation of ubl-tc434-example1.xml: ${each.toFixed(0)} ms (warm)`);
    expect(each).toBeLessThan(1500);
  });
});

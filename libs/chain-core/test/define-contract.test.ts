import { ContractDefinitionError, defineContract } from '@trellis/chain-core';

describe('defineContract', () => {
  it('accepts_aWellFormedDefinition_andFreezesIt', () => {
    const contract = defineContract({ name: 'judicial-evidence', version: 1, methods: {} });
    expect(contract.name).toBe('judicial-evidence');
    expect(Object.isFrozen(contract)).toBe(true);
    expect(Object.isFrozen(contract.methods)).toBe(true);
  });

  it.each([
    [{ name: 'Invoice', version: 1, methods: {} }, 'name'],
    [{ name: '', version: 1, methods: {} }, 'name'],
    [{ name: 'invoice', version: 0, methods: {} }, 'version'],
    [{ name: 'invoice', version: 1.5, methods: {} }, 'version'],
    [{ name: 'invoice', version: 1, methods: { 'bad-name': () => undefined } }, 'methods.bad-name'],
    [{ name: 'invoice', version: 1, methods: { issue: 42 } }, 'methods.issue'],
  ])('rejects_%j_namingTheField', (definition, field) => {
    let caught: unknown;
    try {
      defineContract(definition as never);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ContractDefinitionError);
    expect((caught as ContractDefinitionError).field).toBe(field);
  });
});

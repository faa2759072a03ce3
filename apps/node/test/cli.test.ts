import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { defineContract } from '@trellis/chain-core';
import { CONTRACTS, DuplicateContractError, contractRegistry, runCli } from '../src';

function run(args: string[]) {
  let out = '';
  let err = '';
  const status = runCli(
    args,
    (t) => (out += t),
    (t) => (err += t),
  );
  return { status, out, err };
}

describe('node contracts and CLI', () => {
  it('registry_holdsEveryVerticalContract', () => {
    expect([...CONTRACTS.keys()]).toEqual([
      'invoice',
      'supply-finance',
      'copyright',
      'anti-counterfeit',
      'judicial-evidence',
      'gov-directory',
    ]);
  });

  it('registry_refusesDuplicateNames', () => {
    const a = defineContract({ name: 'twin', version: 1, methods: {} });
    const b = defineContract({ name: 'twin', version: 2, methods: {} });
    expect(() => contractRegistry([a, b])).toThrow(DuplicateContractError);
  });

  it('contractsCommand_listsNameAndVersion', () => {
    const { status, out } = run(['contracts']);
    expect(status).toBe(0);
    expect(out.trim().split('\n')).toContain('judicial-evidence\t2');
  });

  it('unknownCommand_exits2WithUsage', () => {
    const { status, err } = run(['frobnicate']);
    expect(status).toBe(2);
    expect(err).toContain('unknown command');
    expect(err).toContain('usage: trellis-node');
  });

  it('binary_runsAsARealProcess', () => {
    const bin = join(__dirname, '..', 'bin', 'trellis-node.js');
    const out = execFileSync(process.execPath, [bin, 'contracts'], { encoding: 'utf8' });
    expect(out).toContain('invoice\t3');
  }, 30_000);
});

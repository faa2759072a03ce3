// Every byte of a bundle matters: changing any single byte of a valid bundle makes the light
// client refuse it with a ProofError of a rule (never `internal`, never another exception).
// Every byte position is changed (XOR 0x01), and every 29th also with 0x80 and 0xff.
import type { SuiteId } from '@trellis/chain-core';
import { LightClient, ProofError } from '@trellis/chain-core/proofs';
import { buildProofFixture } from './fixtures';

/** The positions and patterns that did not give a rule's ProofError, described. */
function escapes(
  client: LightClient,
  bytes: Uint8Array,
  patterns: readonly number[],
  every: number,
) {
  const out: string[] = [];
  for (let i = 0; i < bytes.length; i++) {
    for (const [n, pattern] of patterns.entries()) {
      if (n > 0 && i % every !== 0) continue;
      const tampered = bytes.slice();
      tampered[i]! ^= pattern;
      try {
        client.verify(tampered);
        out.push(`byte ${i} ^ ${pattern}: accepted`);
      } catch (error) {
        if (!(error instanceof ProofError)) out.push(`byte ${i} ^ ${pattern}: ${String(error)}`);
        else if (error.code === 'internal') out.push(`byte ${i} ^ ${pattern}: ${error.message}`);
      }
    }
  }
  return out;
}

describe.each<[SuiteId, 'transaction' | 'state']>([
  ['ed25519', 'transaction'],
  ['sm2', 'state'],
])('a %s %s bundle', (suite, kind) => {
  const f = buildProofFixture(suite);
  const client = LightClient.fromGenesis(f.genesisText);
  const bytes =
    kind === 'transaction'
      ? f.bundle({ transaction: f.transaction })
      : f.bundle({ state: f.state });

  it('isAccepted_asBuilt', () => {
    expect(client.verify(bytes).kind).toBe(kind);
  });

  it('isRefused_withAnySingleByteChanged', () => {
    expect(escapes(client, bytes, [0x01, 0x80, 0xff], 29)).toEqual([]);
  });

  it('isRefused_truncatedOrExtended', () => {
    for (const cut of [1, 2, 33, bytes.length - 1]) {
      expect(() => client.verify(bytes.subarray(0, bytes.length - cut))).toThrow(ProofError);
    }
    const extended = new Uint8Array(bytes.length + 1);
    extended.set(bytes);
    expect(() => client.verify(extended)).toThrow(ProofError);
  });
});

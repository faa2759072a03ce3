/**
 * The light client: trusts a chain's genesis file and nothing else, and verifies proof bundles
 * a node serves (docs/spec/proofs.md §6) — following validator-set changes from genesis,
 * checking quorum certificates with the portable (pure JavaScript) signature suites, so that
 * it runs unchanged in a browser.
 */
import type { SuiteId } from '../crypto/portable';
import { parseTrustedGenesis, type TrustedGenesis } from './trusted-genesis';
import type { ProofVerdict } from './verdict';
import { verifyProofBundle } from './verify';

export class LightClient {
  private constructor(readonly genesis: TrustedGenesis) {}

  /**
   * A client of the chain `genesis` describes: the genesis file's JSON text, or its parsed value.
   * @throws ProofError('bad-genesis') naming the field at fault.
   */
  static fromGenesis(genesis: unknown): LightClient {
    return new LightClient(parseTrustedGenesis(genesis));
  }

  get chainId(): string {
    return this.genesis.chainId;
  }

  get suite(): SuiteId {
    return this.genesis.suite;
  }

  /**
   * What the encoded bundle proves. Each bundle is verified from genesis: it carries every
   * epoch change its proof needs.
   * @throws ProofError naming the rule (`code`) and the part of the bundle at fault.
   */
  verify(bundle: Uint8Array): ProofVerdict {
    return verifyProofBundle(this.genesis, bundle);
  }
}

/**
 * Verifies encoded `bundle` against `genesis` (a `LightClient`, or a genesis file's JSON text
 * or parsed value).
 * @throws ProofError: `bad-genesis` for the genesis, another code for the bundle.
 */
export function verifyBundle(genesis: unknown, bundle: Uint8Array): ProofVerdict {
  const client = genesis instanceof LightClient ? genesis : LightClient.fromGenesis(genesis);
  return client.verify(bundle);
}

/**
 * Which genesis entry a node is: its config.json and its consensus key checked against genesis
 * before it dials anyone. A config copied from another node, a validator started with another
 * validator's key, or an observer config for a validator entry is refused here, by name, rather
 * than surfacing later as votes the others reject.
 */
import { equalBytes, type KeyPair, toHex } from '@trellis/chain-core';
import { consortiumError } from './consortium-error';
import type { Genesis, GenesisObserver, GenesisValidator } from './genesis';
import type { NodeConfig } from './node-config';

export type NodeGenesisEntry =
  | { readonly role: 'validator'; readonly entry: GenesisValidator; readonly index: number }
  | { readonly role: 'observer'; readonly entry: GenesisObserver; readonly index: number };

/**
 * The genesis entry named by `config.name`, which must have `config.role`; for a validator,
 * `consensusKey` (from `loadSecretKey`) must be the key genesis lists for it.
 * @throws ConsortiumError `invalid-config`, naming the field of config.json at fault.
 */
export function nodeGenesisEntry(
  config: NodeConfig,
  genesis: Genesis,
  consensusKey?: KeyPair,
): NodeGenesisEntry {
  const validatorIndex = genesis.validators.findIndex((v) => v.name === config.name);
  const observerIndex = genesis.observers.findIndex((o) => o.name === config.name);
  const listedAs = validatorIndex >= 0 ? 'validator' : observerIndex >= 0 ? 'observer' : undefined;
  if (listedAs === undefined) {
    throw consortiumError(
      'invalid-config',
      'name',
      `${config.name} is neither a validator nor an observer of chain ${genesis.chainId}`,
      config.file,
    );
  }
  if (listedAs !== config.role) {
    throw consortiumError(
      'invalid-config',
      'role',
      `${config.name} is ${article(listedAs)} ${listedAs} in genesis, not ${article(config.role)} ${config.role}`,
      config.file,
    );
  }
  if (listedAs === 'observer') {
    return { role: 'observer', entry: genesis.observers[observerIndex]!, index: observerIndex };
  }
  const entry = genesis.validators[validatorIndex]!;
  if (consensusKey === undefined || !equalBytes(consensusKey.publicKey, entry.publicKey)) {
    throw consortiumError(
      'invalid-config',
      'consensusKey',
      consensusKey === undefined
        ? `validator ${config.name} needs its consensus key`
        : `the key's public key ${toHex(consensusKey.publicKey)} is not ${config.name}'s in genesis (${toHex(entry.publicKey)})`,
      config.file,
    );
  }
  return { role: 'validator', entry, index: validatorIndex };
}

function article(role: string): string {
  return role === 'observer' ? 'an' : 'a';
}

import { CryptoError, CryptoErrorCode } from '../errors';
import { HASH_IDS, type HashId } from '../types';
import { assertBytes, describe } from './bytes';

export type HashTable = Readonly<Record<HashId, (data: Uint8Array) => Uint8Array>>;

/** `hash(id, data)` over one implementation's hash functions, with its arguments checked. */
export function checkedHash(
  table: HashTable,
  where: string,
): (id: HashId, data: Uint8Array) => Uint8Array {
  return (id, data) => {
    if (!HASH_IDS.includes(id)) {
      throw new CryptoError(
        CryptoErrorCode.UnknownAlgorithm,
        `${where}: id must be one of ${HASH_IDS.join(', ')}, got ${typeof id === 'string' ? JSON.stringify(id) : describe(id)}`,
        { argument: 'id', expected: HASH_IDS.join(' | '), actual: String(id) },
      );
    }
    assertBytes(data, where, 'data');
    return table[id](data);
  };
}

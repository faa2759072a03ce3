// Byte helpers that work the same in Node and in browsers (no Buffer): the crypto layer's,
// which sits below the codec, so that one implementation serves every layer.
export {
  compareBytes,
  concatBytes,
  copyBytes,
  equalBytes,
  fromHex,
  isBytes,
  prefixEnd,
  toHex,
} from '../crypto/common/bytes';

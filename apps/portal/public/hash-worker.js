// Hashes a File in the background (SHA-256 and SM3 at once, with trellisHasher from the
// trellis-verify bundle), reading it in slices so that a file of any size is never held whole
// in memory, and never sends it anywhere. Messages out: {kind:'progress',done,total},
// {kind:'done',digests:{sha256,sm3}}, {kind:'error',message}.
/* global self, importScripts, trellisHasher */
importScripts('/dist/trellis-verify.js');

const CHUNK = 4 * 1024 * 1024;

self.onmessage = async (event) => {
  const file = event.data && event.data.file;
  try {
    if (!(file instanceof Blob)) throw new Error('hash-worker: expected { file: File }');
    const hasher = trellisHasher();
    for (let offset = 0; offset < file.size; offset += CHUNK) {
      const end = Math.min(offset + CHUNK, file.size);
      hasher.update(new Uint8Array(await file.slice(offset, end).arrayBuffer()));
      self.postMessage({ kind: 'progress', done: end, total: file.size });
    }
    self.postMessage({ kind: 'done', digests: hasher.digest() });
  } catch (error) {
    self.postMessage({
      kind: 'error',
      message: error instanceof Error ? error.message : String(error),
    });
  }
};

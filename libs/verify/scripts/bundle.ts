// `npm run bundle -w @trellis/verify`: writes dist/trellis-verify.js, the browser verifier
// (a page that loads it calls `trellisVerify(genesisText, bundleBytes)`).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleBrowserVerifier } from '../src/bundle';

void bundleBrowserVerifier().then(({ code, inputs }) => {
  const out = join(__dirname, '..', 'dist', 'trellis-verify.js');
  mkdirSync(join(out, '..'), { recursive: true });
  writeFileSync(out, code);
  process.stdout.write(`${out}: ${code.length} bytes from ${inputs.length} source files\n`);
});

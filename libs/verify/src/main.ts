// The `trellis-verify` executable (bin/trellis-verify.js loads this file).
import { runVerifyCli } from './cli';

void runVerifyCli(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`trellis-verify: internal error: ${String(error)}\n`);
    process.exitCode = 2;
  },
);

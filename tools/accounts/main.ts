import { AccountsFileError } from '@trellis/shared';
import { CliUsageError, runAccountsCli } from './cli';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

runAccountsCli(process.argv.slice(2), {
  stdin: readStdin,
  out: (line) => process.stdout.write(`${line}\n`),
}).catch((error: unknown) => {
  if (error instanceof CliUsageError || error instanceof AccountsFileError) {
    process.stderr.write(`accounts: ${error.message}\n`);
    process.exit(2);
  }
  throw error;
});

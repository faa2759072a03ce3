import { runCli } from './cli';

void Promise.resolve(
  runCli(
    process.argv.slice(2),
    (text) => process.stdout.write(text),
    (text) => process.stderr.write(text),
  ),
).then((code) => {
  process.exitCode = code;
});

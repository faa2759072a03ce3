/**
 * `npm run sim -- --seeds 100000 [--from 1] [--n 4|7|10]` runs random scenarios (n cycling
 * through 4, 7, 10 as in CI unless --n is given) and prints a summary; `npm run sim -- --seed
 * 1234 [--trace]` replays one seed exactly and prints its scenario, result (and every input
 * and output of every replica).
 * Exits 1 when any seed violates a property, printing the seeds to replay.
 */
import { SIZES, randomScenario } from './scenario';
import { simulate } from './simulator';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function main(): number {
  const one = arg('seed');
  const n = arg('n') === undefined ? undefined : Number(arg('n'));
  if (n !== undefined && ![4, 7, 10].includes(n)) throw new Error('--n must be 4, 7 or 10');
  if (one !== undefined) {
    const trace = process.argv.includes('--trace')
      ? (line: string) => console.log(line)
      : undefined;
    const seed = Number(one);
    const result = simulate(randomScenario(seed, n ?? SIZES[seed % SIZES.length]), { trace });
    console.log(JSON.stringify(result, (_k, v) => (typeof v === 'bigint' ? v.toString() : v), 2));
    return result.violations.length > 0 ? 1 : 0;
  }
  const seeds = Number(arg('seeds') ?? 1000);
  const from = Number(arg('from') ?? 1);
  if (!Number.isInteger(seeds) || seeds < 1) throw new Error('--seeds must be a positive integer');
  const started = process.hrtime.bigint();
  let commits = 0;
  let viewChanges = 0;
  let messages = 0;
  let evidence = 0;
  let epochs = 0;
  const failed: string[] = [];
  for (let seed = from; seed < from + seeds; seed++) {
    const result = simulate(randomScenario(seed, n ?? SIZES[seed % SIZES.length]));
    commits += result.commits;
    viewChanges += result.viewChanges;
    messages += result.messages;
    evidence += result.evidence;
    epochs += result.epochs - 1;
    for (const v of result.violations)
      failed.push(`seed ${seed} (n=${result.scenario.n}): ${v.kind}: ${v.message.split('\n')[0]}`);
    if ((seed - from + 1) % 1000 === 0) process.stderr.write(`${seed - from + 1} seeds…\n`);
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  console.log(
    `seeds ${seeds} (from ${from})  commits ${commits}  view changes ${viewChanges}  epoch changes ${epochs}  equivocations detected ${evidence}  messages ${messages}  violations ${failed.length}  ${seconds.toFixed(1)} s`,
  );
  for (const line of failed) console.log(line);
  if (failed.length > 0) console.log('replay one with: npm run sim -- --seed <seed>');
  return failed.length > 0 ? 1 : 0;
}

process.exitCode = main();

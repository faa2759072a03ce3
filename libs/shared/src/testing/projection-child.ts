/**
 * A projector process for the crash tests: `node --require @swc-node/register
 * projection-child.ts <database url> <node url>[,<node url>…] <projection name>`. Prints `running` once
 * the projection runs; SIGTERM stops it after the block in progress (then `stopped`, exit 0).
 */
import { ChainProjection } from '../chain';
import { TEST_PROJECTION_FILTER, applyTestBlock, openReadModel } from './projection-read-model';

async function main(): Promise<void> {
  const [url, nodes, name] = process.argv.slice(2);
  if (url === undefined || nodes === undefined || name === undefined) {
    throw new Error(
      'usage: projection-child.ts <database url> <node urls, comma-separated> <projection name>',
    );
  }
  const dataSource = await openReadModel(url);
  const projection = new ChainProjection({
    name,
    dataSource,
    nodes: nodes.split(','),
    stream: {
      backoff: { initialMs: 20, maxMs: 200 },
      // Connection facts on stderr: what a test prints when the projector stalls.
      onNotice: (notice) =>
        process.stderr.write(
          `${JSON.stringify(notice, (_, v: unknown) => (typeof v === 'bigint' ? String(v) : v))}\n`,
        ),
    },
    filter: TEST_PROJECTION_FILTER,
    apply: (manager, block) => applyTestBlock(manager, block),
  });
  process.on('SIGTERM', () => void projection.stop());
  const running = projection.run();
  process.stdout.write('running\n');
  await running;
  await dataSource.destroy();
  process.stdout.write(`stopped after ${projection.appliedBlocks} blocks\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});

/**
 * `npm start`: the whole local stack on a bare machine. Data stays in ./.trellis (or
 * $TRELLIS_DATA_DIR) across restarts; `npm start -- --reset` wipes it first. Ctrl-C or SIGTERM
 * stops every child process group. See README.md, "Run it".
 */
import { mkdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
  ROOT,
  RunningService,
  assertPortFree,
  buildPortal,
  consortiumDir,
  initConsortiumOnce,
  issueRoleMembersOnce,
  seedDemoAccounts,
  accountsFiles,
  demoPasswordLines,
  portalBuildIsStale,
  stackServices,
} from './stack';

const USAGE = 'usage: npm start [-- --reset]';
const READY_TIMEOUT_MS = 180_000;
const STOP_GRACE_MS = 10_000;

function port(variable: string, fallback: number): number {
  const value = process.env[variable];
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 65535) {
    throw new Error(`${variable} must be an integer from 1 to 65535`);
  }
  return n;
}

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const unknown = args.filter((a) => a !== '--reset');
  if (unknown.length > 0) {
    process.stderr.write(`trellis: unknown argument ${unknown.join(' ')}\n${USAGE}\n`);
    return 2;
  }
  const dataDir = resolve(process.env['TRELLIS_DATA_DIR'] || join(ROOT, '.trellis'));
  const host = '127.0.0.1';
  const apiPort = port('TRELLIS_API_PORT', 3000);
  const portalPort = port('TRELLIS_PORTAL_PORT', 3001);
  const nodeBasePort = port('TRELLIS_NODE_BASE_PORT', 7100);

  if (args.includes('--reset')) {
    await rm(dataDir, { recursive: true, force: true });
    say(`trellis: wiped ${dataDir}`);
  }
  const logDir = join(dataDir, 'logs');
  await mkdir(logDir, { recursive: true });
  await assertPortFree(host, apiPort, 'TRELLIS_API_PORT');
  await assertPortFree(host, portalPort, 'TRELLIS_PORTAL_PORT');
  for (let i = 1; i <= 4; i++) {
    await assertPortFree(host, nodeBasePort + i, 'TRELLIS_NODE_BASE_PORT');
    await assertPortFree(host, nodeBasePort + 100 + i, 'TRELLIS_NODE_BASE_PORT');
  }
  const options = { dataDir, host, apiPort, portalPort, nodeBasePort };
  if (await initConsortiumOnce(options, join(logDir, 'init.log'))) {
    say(`trellis: generated the local consortium in ${consortiumDir(dataDir)}`);
  }
  await issueRoleMembersOnce(options, join(logDir, 'init.log'));
  const seeded = await seedDemoAccounts(dataDir);
  if (seeded > 0) {
    say(
      `trellis: seeded ${seeded} demo account(s); their passwords are in ${accountsFiles(dataDir).passwords}`,
    );
  }

  if (portalBuildIsStale()) {
    say('trellis: building the portal (first start, or its sources changed)…');
    await buildPortal(join(logDir, 'portal-build.log'));
  }

  const running: RunningService[] = [];
  let stopping = false;
  const stopAll = async () => {
    stopping = true;
    await Promise.all(running.map((s) => s.stop(STOP_GRACE_MS)));
  };
  const stopped = new Promise<number>((resolveStop) => {
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
      process.on(signal, () => {
        if (stopping) return;
        say(`\ntrellis: ${signal}: stopping…`);
        void stopAll().then(() => {
          say('trellis: stopped');
          resolveStop(0);
        });
      });
    }
  });

  const services = stackServices(options);
  for (const spec of services) running.push(await RunningService.start(spec, logDir));
  const crashed = Promise.race(
    running.map((service) =>
      service.exited.then(async (code) => {
        if (stopping) return stopped; // a requested stop: finish stopping everything
        process.stderr.write(
          `trellis: ${service.spec.name} exited unexpectedly (${code ?? 'signal'}); last lines of ${service.log}:\n${await service.tail(20)}\n`,
        );
        await stopAll();
        return 1;
      }),
    ),
  );

  try {
    await Promise.all(running.map((s) => s.waitReady(READY_TIMEOUT_MS)));
  } catch (error) {
    if (running.some((s) => !s.running)) return crashed; // it reports the crash and stops the rest
    if (!stopping) {
      process.stderr.write(`trellis: ${(error as Error).message}\n`);
      await stopAll();
      return 1;
    }
  }
  if (!stopping) {
    const api = `http://${host}:${apiPort}`;
    say('');
    say(`Trellis is running. Data: ${dataDir}`);
    say(
      `  Validators (4 organisations)    ${[1, 2, 3, 4].map((i) => `http://${host}:${nodeBasePort + 100 + i}/v1/status`).join(' ')}`,
    );
    say(`  API server (all six verticals)  ${api}/api/<vertical>`);
    say(`  OpenAPI documentation           ${api}/api/docs`);
    say(`  Portal                          http://${host}:${portalPort}/`);
    say(`  Logs                            ${logDir}`);
    const demo = await demoPasswordLines(dataDir);
    if (demo.length > 0) {
      say(
        `  Demo sign-in (username, password, organisation; ${accountsFiles(dataDir).passwords}):`,
      );
      for (const line of demo) say(`    ${line}`);
    }
    say('Press Ctrl-C to stop.');
  }
  return Promise.race([stopped, crashed]);
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    process.stderr.write(`trellis: ${error.message}\n`);
    process.exit(1);
  },
);

/**
 * A verifier thread of `VerifierPool`: verifies packed batches with the implementation named
 * in `workerData` and replies with one byte per item. Runs as TypeScript through
 * @swc-node/register (the pool passes `--require`).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { FAST_SUITES } from '../fast';
import { PORTABLE_SUITES } from '../portable';
import { SUITE_IDS, type SuiteId } from '../types';
import { type VerifyReply, type VerifyTask, unpackBatch } from './wire';

const port = parentPort;
if (port === null) throw new Error('verifier-worker.ts must run in a worker thread');
const suites =
  (workerData as { implementation?: string }).implementation === 'portable'
    ? PORTABLE_SUITES
    : FAST_SUITES;

port.on('message', (task: VerifyTask) => {
  let reply: VerifyReply;
  const transfer: ArrayBuffer[] = [];
  try {
    if (!SUITE_IDS.includes(task.suite as SuiteId)) throw new Error(`unknown suite ${task.suite}`);
    const verdicts = suites[task.suite as SuiteId].verifyBatch(unpackBatch(task.buffer));
    const results = Uint8Array.from(verdicts, (ok) => (ok ? 1 : 0));
    reply = { id: task.id, results };
    transfer.push(results.buffer);
  } catch (error) {
    reply = {
      id: task.id,
      error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
    };
  }
  port.postMessage(reply, transfer);
});

port.postMessage({ ready: true } satisfies VerifyReply);

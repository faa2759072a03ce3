/**
 * Signature verification on all cores: a fixed set of worker threads, each running the
 * suites of one implementation. `verifyBatch` splits a batch into one contiguous chunk per
 * thread and returns the same boolean[] as the single-threaded `verifyBatch`.
 *
 * Threads are unref'd while idle (a forgotten pool does not keep the process alive);
 * `close()` fails pending work with `pool-closed` and resolves once every thread has exited.
 * A thread that dies fails its chunk with `worker-failed` and is replaced.
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { checkBatchItems } from '../common/suite';
import { checkImplementation, checkSuiteId } from '../common/suite-id';
import { CryptoError, CryptoErrorCode } from '../errors';
import type { BatchItem, Implementation, SuiteId } from '../types';
import { packBatch, type VerifyReply } from './wire';

export interface VerifierPoolOptions {
  /** Number of threads, 1–256; default: the machine's available parallelism. */
  readonly size?: number;
  /** The implementation the threads run; default `fast`. */
  readonly implementation?: Implementation;
}

interface Task {
  readonly id: number;
  readonly suite: SuiteId;
  readonly buffer: ArrayBuffer;
  readonly resolve: (results: Uint8Array) => void;
  readonly reject: (error: CryptoError) => void;
}

interface Slot {
  worker: Worker;
  exited: Promise<void>;
  alive: boolean;
  /** The thread has loaded its modules and said so. */
  ready: boolean;
  task: Task | undefined;
}

/** Threads that die before they are ready, in a row, after which the pool stops respawning. */
const MAX_STARTUP_FAILURES = 3;

const PUBLIC_KEY_LENGTH: Readonly<Record<SuiteId, number>> = { ed25519: 32, p256: 33, sm2: 33 };

/**
 * The worker runs as TypeScript when this module does (tests, `node --require
 * @swc-node/register`): it is outside Jest's module system, so it needs the loader itself.
 */
function workerEntry(): { file: string; execArgv: string[] } {
  if (__filename.endsWith('.ts')) {
    return {
      file: join(__dirname, 'verifier-worker.ts'),
      execArgv: ['--require', require.resolve('@swc-node/register')],
    };
  }
  return { file: join(__dirname, 'verifier-worker.js'), execArgv: [] };
}

export class VerifierPool {
  readonly size: number;
  readonly implementation: Implementation;
  private readonly slots: Slot[] = [];
  private readonly queue: Task[] = [];
  private nextId = 0;
  private closing: Promise<void> | undefined;
  private startupFailures = 0;
  /** Why threads cannot start (set after MAX_STARTUP_FAILURES): every batch fails with it. */
  private broken: string | undefined;
  private lastError = '';

  constructor(options: VerifierPoolOptions = {}) {
    const { size = availableParallelism(), implementation = 'fast' } = options;
    if (!Number.isInteger(size) || size < 1 || size > 256) {
      throw new CryptoError(
        CryptoErrorCode.InvalidArgument,
        `VerifierPool: size must be an integer from 1 to 256, got ${String(size)}`,
        { argument: 'size', expected: '1..256', actual: String(size) },
      );
    }
    checkImplementation(implementation, 'VerifierPool');
    this.size = size;
    this.implementation = implementation;
    for (let i = 0; i < size; i++) this.slots.push(this.spawn());
  }

  /** Threads currently running (0 once `close()` has resolved). */
  get threads(): number {
    return this.slots.filter((slot) => slot.alive).length;
  }

  /**
   * `result[i]` tells whether `items[i]` verifies. Arguments are checked here, as by the
   * suite's own `verifyBatch`, before any work is handed out.
   */
  async verifyBatch(suite: SuiteId, items: readonly BatchItem[]): Promise<boolean[]> {
    checkSuiteId(suite, 'VerifierPool.verifyBatch');
    checkBatchItems(suite, items, 'VerifierPool.verifyBatch');
    this.assertOpen();
    if (items.length === 0) return [];
    const chunks = Math.min(this.size, items.length);
    const chunkSize = Math.ceil(items.length / chunks);
    const parts: Promise<Uint8Array>[] = [];
    for (let start = 0; start < items.length; start += chunkSize) {
      const buffer = packBatch(items.slice(start, start + chunkSize), PUBLIC_KEY_LENGTH[suite]);
      parts.push(
        new Promise((resolve, reject) => {
          this.queue.push({ id: this.nextId++, suite, buffer, resolve, reject });
        }),
      );
    }
    this.dispatch();
    const results = await Promise.all(parts);
    return results.flatMap((chunk) => Array.from(chunk, (byte) => byte === 1));
  }

  /** Fails queued and running work with `pool-closed`; resolves when every thread has exited. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      const closed = (): CryptoError =>
        new CryptoError(
          CryptoErrorCode.PoolClosed,
          'VerifierPool: closed before the batch was verified',
        );
      for (const task of this.queue.splice(0)) task.reject(closed());
      for (const slot of this.slots) {
        slot.task?.reject(closed());
        slot.task = undefined;
      }
      await Promise.all(this.slots.map((slot) => slot.worker.terminate().then(() => slot.exited)));
    })();
    return this.closing;
  }

  private assertOpen(): void {
    if (this.closing !== undefined) {
      throw new CryptoError(CryptoErrorCode.PoolClosed, 'VerifierPool: the pool is closed');
    }
    if (this.broken !== undefined) {
      throw new CryptoError(
        CryptoErrorCode.WorkerFailed,
        `VerifierPool: threads cannot start: ${this.broken}`,
      );
    }
  }

  private spawn(): Slot {
    const { file, execArgv } = workerEntry();
    const worker = new Worker(file, {
      execArgv,
      workerData: { implementation: this.implementation },
    });
    worker.unref();
    let markExited = (): void => undefined;
    const slot: Slot = {
      worker,
      alive: true,
      ready: false,
      task: undefined,
      exited: new Promise((resolve) => (markExited = resolve)),
    };
    worker.on('message', (reply: VerifyReply) => this.onReply(slot, reply));
    worker.on('error', (error) => {
      this.lastError = error.message;
      this.failTask(slot, `thread failed: ${error.message}`);
    });
    worker.on('exit', (code) => {
      slot.alive = false;
      markExited();
      this.failTask(slot, `thread exited with code ${code}`);
      if (this.closing !== undefined || this.broken !== undefined) return;
      this.startupFailures = slot.ready ? 0 : this.startupFailures + 1;
      if (this.startupFailures >= MAX_STARTUP_FAILURES) {
        this.broken = this.lastError || `exit code ${code}`;
        const error = new CryptoError(
          CryptoErrorCode.WorkerFailed,
          `VerifierPool: threads cannot start: ${this.broken}`,
        );
        for (const task of this.queue.splice(0)) task.reject(error);
        return;
      }
      const index = this.slots.indexOf(slot);
      if (index >= 0) this.slots[index] = this.spawn();
      this.dispatch();
    });
    return slot;
  }

  private onReply(slot: Slot, reply: VerifyReply): void {
    if ('ready' in reply) {
      slot.ready = true;
      this.startupFailures = 0;
      return;
    }
    const task = slot.task;
    if (task === undefined || task.id !== reply.id) return;
    slot.task = undefined;
    if ('error' in reply) {
      task.reject(
        new CryptoError(
          CryptoErrorCode.WorkerFailed,
          `VerifierPool: a thread failed to verify a chunk: ${reply.error}`,
        ),
      );
    } else {
      task.resolve(reply.results);
    }
    this.dispatch();
  }

  private failTask(slot: Slot, reason: string): void {
    const task = slot.task;
    if (task === undefined) return;
    slot.task = undefined;
    task.reject(new CryptoError(CryptoErrorCode.WorkerFailed, `VerifierPool: ${reason}`));
  }

  /** Hands queued chunks to idle threads; idle threads are unref'd, busy ones ref'd. */
  private dispatch(): void {
    for (const slot of this.slots) {
      if (!slot.alive) continue;
      if (slot.task === undefined) {
        const task = this.queue.shift();
        if (task === undefined) {
          slot.worker.unref();
          continue;
        }
        slot.task = task;
        slot.worker.ref();
        slot.worker.postMessage({ id: task.id, suite: task.suite, buffer: task.buffer }, [
          task.buffer,
        ]);
      }
    }
  }
}

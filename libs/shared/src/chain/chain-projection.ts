/**
 * A read model fed by committed chain events, exactly once.
 *
 * Each block is applied in ONE database transaction that (1) locks the projection's
 * checkpoint row (`ProjectionCheckpoints.lock`, SELECT … FOR UPDATE), (2) skips the block if
 * its height is at or below the checkpoint, (3) runs `apply` with the transaction's manager,
 * and (4) saves the block's height as the checkpoint. The rows and the checkpoint commit
 * together or not at all, so a crash anywhere — the process killed, `apply` throwing half-way
 * through a block, the database connection lost — leaves the read model exactly at a block
 * boundary, and the next run resumes at checkpoint + 1. The row lock makes a second instance
 * of the same projection wait, then skip what the first applied.
 *
 * `apply` must write through the manager it is given (never another connection) and must not
 * have effects outside the database: a block can be attempted more than once, only one attempt
 * commits.
 *
 * Where blocks come from is a parameter: node URLs (an {@link EventStream}), or any
 * {@link BlockSource} yielding consecutive heights from the height asked for (a test's
 * scripted server, a real cluster, a file).
 */
import type { DataSource, EntityManager } from 'typeorm';
import type { ProjectionCheckpoints } from '../database/projection-checkpoints';

type CheckpointsModule = typeof import('../database/projection-checkpoints');
import { type ChainBlock, type EventFilter, checkEventFilter, matchesEventFilter } from './blocks';
import { ChainError, invalidArgument, messageOf } from './errors';
import { EventStream, type EventStreamOptions } from './event-stream';
import { checkNodes } from './options';

/** Blocks of consecutive heights from `fromHeight`, events filtered by `filter`. */
export type BlockSource = (query: {
  readonly fromHeight: bigint;
  readonly filter: EventFilter;
}) => AsyncIterable<ChainBlock>;

export interface ChainProjectionOptions {
  /** The checkpoint's name: `^[a-z][a-z0-9._-]{0,127}$`, one per read model. */
  readonly name: string;
  /** The read model's database; its entities must include the kernel's ProjectionCheckpoint. */
  readonly dataSource: DataSource;
  /** Node base URLs to stream from (with `stream` options) … */
  readonly nodes?: readonly string[];
  /** … or where blocks come from. Exactly one of `nodes` and `source`. */
  readonly source?: BlockSource;
  /** Further EventStream settings when streaming from `nodes`. */
  readonly stream?: Omit<EventStreamOptions, 'nodes' | 'fromHeight' | 'contracts' | 'types'>;
  /** The events this read model needs; `apply` sees only those (all when absent). */
  readonly filter?: EventFilter;
  /** Applies one block's (filtered) events, writing only through `manager`. */
  readonly apply: (manager: EntityManager, block: ChainBlock) => Promise<void>;
  /** Default: a new ProjectionCheckpoints (a Nest app may pass its provider). */
  readonly checkpoints?: ProjectionCheckpoints;
}

const NAME_PATTERN = /^[a-z][a-z0-9._-]{0,127}$/;

/** What one block's transaction did. */
type BlockOutcome = 'applied' | 'reopen';

export class ChainProjection {
  readonly name: string;
  readonly filter: EventFilter;
  readonly #dataSource: DataSource;
  readonly #source: BlockSource;
  readonly #apply: ChainProjectionOptions['apply'];
  readonly #checkpoints: ProjectionCheckpoints;
  #running: Promise<void> | undefined;
  #stopRequested = false;
  #wakeStop: () => void = () => undefined;
  /** Resolves when stop() is called during the current activity. */
  #stopped: Promise<'stop'> = new Promise(() => undefined);
  #applied = 0;
  /** The highest block this instance committed, -1 before any; a lower bound of `height()`. */
  #committedHeight = -1n;
  /** Callers of `reached` waiting for a height this instance has not committed yet. */
  #waiters: { height: bigint; resolve: () => void }[] = [];

  constructor(options: ChainProjectionOptions) {
    if (typeof options !== 'object' || options === null) {
      throw invalidArgument('options', 'expected { name, dataSource, nodes | source, apply }');
    }
    if (typeof options.name !== 'string' || !NAME_PATTERN.test(options.name)) {
      throw invalidArgument('options.name', `expected a name matching ${NAME_PATTERN}`);
    }
    if (typeof options.dataSource?.transaction !== 'function') {
      throw invalidArgument('options.dataSource', 'expected a TypeORM DataSource');
    }
    if (typeof options.apply !== 'function') {
      throw invalidArgument('options.apply', 'expected a function');
    }
    if ((options.nodes === undefined) === (options.source === undefined)) {
      throw invalidArgument('options', 'give exactly one of nodes and source');
    }
    this.name = options.name;
    this.filter = checkEventFilter(options.filter, 'options.filter');
    this.#dataSource = options.dataSource;
    this.#apply = options.apply;
    this.#checkpoints = options.checkpoints ?? defaultCheckpoints();
    if (options.source !== undefined) {
      if (typeof options.source !== 'function') {
        throw invalidArgument('options.source', 'expected a function (query) => AsyncIterable');
      }
      this.#source = options.source;
    } else {
      const nodes = checkNodes(options.nodes, 'options.nodes');
      const stream = options.stream ?? {};
      this.#source = ({ fromHeight, filter }) =>
        new EventStream({ ...stream, ...filter, nodes, fromHeight });
    }
  }

  /** Whether `run` (or `rebuild`) is in progress. */
  get running(): boolean {
    return this.#running !== undefined;
  }

  /** Blocks this instance has applied (committed) since it was made. */
  get appliedBlocks(): number {
    return this.#applied;
  }

  /**
   * Resolves as soon as this instance commits block `height` or a later one (at once if it has),
   * without asking the database; `height()` tells what other instances applied.
   */
  reached(height: bigint): Promise<void> {
    if (this.#committedHeight >= height) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ height, resolve }));
  }

  /** Records a committed height and wakes the `reached` waits it satisfies. */
  #notify(height: bigint): void {
    if (height > this.#committedHeight) this.#committedHeight = height;
    if (this.#waiters.length === 0) return;
    const still: { height: bigint; resolve: () => void }[] = [];
    for (const w of this.#waiters) {
      if (w.height <= height) w.resolve();
      else still.push(w);
    }
    this.#waiters = still;
  }

  /** The checkpoint: the last applied height, -1 before any. */
  height(): Promise<bigint> {
    return this.#checkpoints.height(this.#dataSource.manager, this.name);
  }

  /**
   * Applies blocks from checkpoint + 1 until `stop()` (or until a finite source ends).
   * @throws ChainError `apply-failed` (its `cause` is what `apply` or the database threw;
   *   nothing of that block stayed: run again to retry from it), `invalid-state` if already
   *   running, or what the source throws (e.g. `stream-rejected`).
   */
  run(): Promise<void> {
    return this.#start('run', () => this.#loop());
  }

  /**
   * Clears the read model and the checkpoint in one transaction (`reset` deletes the rows,
   * through the manager it is given), then runs from height 0 like `run`.
   * @throws ChainError `invalid-state` while running (stop first), or as `run`.
   */
  rebuild(reset: (manager: EntityManager) => Promise<void>): Promise<void> {
    if (typeof reset !== 'function') {
      return Promise.reject(invalidArgument('reset', 'expected a function'));
    }
    return this.#start('rebuild', async () => {
      await this.#dataSource.transaction(async (manager) => {
        await this.#checkpoints.lock(manager, this.name);
        await reset(manager);
        await this.#checkpoints.save(manager, this.name, -1n);
      });
      if (!this.#stopRequested) await this.#loop();
    });
  }

  /** Runs `body` as this instance's one activity (`run` or `rebuild`). */
  #start(operation: string, body: () => Promise<void>): Promise<void> {
    if (this.#running !== undefined) {
      return Promise.reject(
        new ChainError(
          'invalid-state',
          { state: 'running', operation },
          `chain: projection ${this.name} is running already; stop it first`,
        ),
      );
    }
    this.#stopRequested = false;
    this.#stopped = new Promise<'stop'>((resolve) => {
      this.#wakeStop = () => resolve('stop');
    });
    const running = body().finally(() => {
      this.#running = undefined;
    });
    this.#running = running;
    return running;
  }

  /** Lets the block in progress commit, then ends `run`; resolves when it has ended. */
  async stop(): Promise<void> {
    const running = this.#running;
    if (running === undefined) return;
    this.#stopRequested = true;
    this.#wakeStop();
    await running.catch(() => undefined);
  }

  async #loop(): Promise<void> {
    const stopped = this.#stopped;
    while (!this.#stopRequested) {
      const fromHeight = (await this.height()) + 1n;
      const iterator = this.#source({ fromHeight, filter: this.filter })[Symbol.asyncIterator]();
      try {
        for (let expected = fromHeight; ; expected++) {
          const pending = iterator.next();
          pending.catch(() => undefined); // if stop() wins the race, nobody awaits it
          const next = await Promise.race([pending, stopped]);
          if (next === 'stop' || next.done) return;
          if (next.value.height !== expected) {
            throw new ChainError(
              'protocol',
              { node: 'source', problem: `height ${next.value.height}, expected ${expected}` },
              `chain: projection ${this.name}: the block source yielded height ${next.value.height} where ${expected} was due`,
            );
          }
          if ((await this.#applyBlock(next.value)) === 'reopen') break;
          if (this.#stopRequested) return;
        }
      } finally {
        // Not awaited: a generator's return() waits for its pending next().
        void Promise.resolve(iterator.return?.()).catch(() => undefined);
      }
    }
  }

  /**
   * One block in one transaction. 'reopen' when the checkpoint is not `height - 1`: another
   * instance applied ahead, or the checkpoint was reset (a rebuild elsewhere); the source is
   * then reopened at checkpoint + 1.
   */
  async #applyBlock(block: ChainBlock): Promise<BlockOutcome> {
    const checkpoints = this.#checkpoints;
    try {
      const outcome = await this.#dataSource.transaction(async (manager) => {
        const checkpoint = await checkpoints.lock(manager, this.name);
        if (block.height !== checkpoint + 1n) return 'reopen';
        const events = block.events.filter((event) => matchesEventFilter(this.filter, event));
        await this.#apply(
          manager,
          events.length === block.events.length ? block : { ...block, events },
        );
        await checkpoints.save(manager, this.name, block.height);
        return 'applied';
      });
      if (outcome === 'applied') {
        this.#applied += 1;
        this.#notify(block.height);
      }
      return outcome;
    } catch (error) {
      throw new ChainError(
        'apply-failed',
        { projection: this.name, height: block.height },
        `chain: projection ${this.name} failed at height ${block.height}: rolled back, nothing of the block was applied (${messageOf(error)})`,
        { cause: error },
      );
    }
  }
}

/**
 * A ProjectionCheckpoints, its module loaded only when a projection is made: it brings
 * @nestjs/common and TypeORM's decorators, which processes that only sign and submit (the
 * node's operator commands import this SDK) should not load at start-up (~0.4 s here).
 */
function defaultCheckpoints(): ProjectionCheckpoints {
  // A deferred CommonJS require, the one lazily loaded module of the SDK.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const loaded = require('../database/projection-checkpoints') as CheckpointsModule;
  return new loaded.ProjectionCheckpoints();
}

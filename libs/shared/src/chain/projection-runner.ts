/**
 * Keeps a ChainProjection running for a service's lifetime: `run` again after a failure (node
 * stream lost, database down) with backoff 250 ms … 5 s, and tells a command when the read model
 * holds the block its transaction committed in.
 */
import type { ChainProjection } from './chain-projection';

export class ProjectionRunner {
  #stopping = false;
  readonly #loop: Promise<void>;

  constructor(
    readonly projection: ChainProjection,
    warn: (message: string) => void,
  ) {
    this.#loop = (async () => {
      let delay = 250;
      while (!this.#stopping) {
        try {
          await projection.run();
          delay = 250;
        } catch (error) {
          if (this.#stopping) return;
          warn(
            `projection ${projection.name} stopped: ${(error as Error).message}; retrying in ${delay} ms`,
          );
          await new Promise((r) => setTimeout(r, delay));
          delay = Math.min(delay * 2, 5000);
        }
      }
    })();
  }

  /**
   * Resolves once the read model holds block `height` (a commit the caller just saw). This
   * process's projection wakes the caller the moment it commits the block, with no query; the
   * checkpoint is read only every 250 ms, for a block another instance applied.
   */
  async caughtUp(height: bigint, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const reached = this.projection.reached(height).then(() => true);
    while (true) {
      const tick = new Promise<false>((r) => setTimeout(() => r(false), 250).unref());
      if (await Promise.race([reached, tick])) return;
      if ((await this.projection.height()) >= height) return;
      if (Date.now() > deadline) {
        throw new Error(`the read model did not reach height ${height} within ${timeoutMs} ms`);
      }
    }
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    await this.projection.stop();
    await this.#loop;
  }
}

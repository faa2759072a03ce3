import { Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { type ChainProjection, ProjectionRunner } from '../chain';

/**
 * A vertical's read model kept by a ChainProjection for the application's lifetime: started
 * when the application is up (a failure — node stream lost, database down — is logged and
 * retried by the ProjectionRunner), stopped at shutdown after the block in progress. A subclass
 * says what to project, or nothing when the service has no chain.
 */
export abstract class ReadModelProjection implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly #logger = new Logger(this.constructor.name);
  #runner: ProjectionRunner | undefined;

  /** The projection to run, or undefined when the service is not connected to a chain. */
  protected abstract createProjection(): ChainProjection | undefined;

  onApplicationBootstrap(): void {
    const projection = this.createProjection();
    if (projection === undefined) return;
    this.#runner = new ProjectionRunner(projection, (m) => this.#logger.warn(m));
  }

  /** The last block height the read model holds, -1 before any (or without a chain). */
  height(): Promise<bigint> {
    return this.#runner === undefined ? Promise.resolve(-1n) : this.#runner.projection.height();
  }

  /** Resolves once the read model holds block `height` (a commit the caller just saw). */
  caughtUp(height: bigint): Promise<void> {
    if (this.#runner === undefined) return Promise.reject(new Error('no projection is running'));
    return this.#runner.caughtUp(height);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.#runner?.stop();
  }
}

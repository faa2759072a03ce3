import { type DynamicModule, Logger, Module, type BeforeApplicationShutdown } from '@nestjs/common';
import { APP_FILTER, APP_PIPE, RouterModule } from '@nestjs/core';
import type { DestinationStream } from 'pino';
import { AccountsModule } from '../accounts';
import { type AppConfig, ConfigModule } from '../config';
import { DatabaseModule } from '../database';
import { ProblemDetailsFilter, createValidationPipe } from '../errors';
import { HealthController } from '../health';
import { createLoggingModule } from '../logging';
import type { VerticalDescriptor } from './vertical';

export interface ServiceOptions {
  /** Names the process in logs and its embedded database folder, e.g. `api` or `invoice`. */
  readonly service: string;
  readonly config: AppConfig;
  readonly verticals: readonly VerticalDescriptor[];
  /** Where logs go (default: stdout); tests pass a stream to read them. */
  readonly logDestination?: DestinationStream;
}

/**
 * The root module of every Trellis service process: validated configuration, structured logs,
 * the read-model database with migrations, problem+json errors, input validation, health and
 * readiness, and each vertical mounted under `/api/<vertical>`.
 */
@Module({})
export class ServiceModule implements BeforeApplicationShutdown {
  private readonly logger = new Logger('Service');

  beforeApplicationShutdown(signal?: string): void {
    this.logger.log(`stopping${signal ? ` on ${signal}` : ''}`);
  }

  static forRoot(options: ServiceOptions): DynamicModule {
    const { config, service, verticals } = options;
    return {
      module: ServiceModule,
      imports: [
        ConfigModule.forRoot(config),
        createLoggingModule(config, service, options.logDestination),
        DatabaseModule.forRoot({
          config,
          service,
          migrations: verticals.flatMap((v) => v.migrations),
        }),
        AccountsModule,
        ...verticals.map((v) => v.module),
        RouterModule.register(verticals.map((v) => ({ path: v.name, module: v.module }))),
      ],
      controllers: [HealthController],
      providers: [
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
        { provide: APP_PIPE, useFactory: createValidationPipe },
      ],
    };
  }
}

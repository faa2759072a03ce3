import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import { ConfigError, loadConfig } from '../config';
import { setupOpenApi } from '../openapi';
import { type ServiceOptions, ServiceModule } from './service.module';

/** Largest JSON body accepted; file uploads use streaming endpoints, not JSON. */
export const JSON_BODY_LIMIT = '1mb';

export interface ServiceAppOptions extends ServiceOptions {
  /** Title of the OpenAPI document. */
  readonly title: string;
}

/** Builds (but does not start listening) a service application: used by main.ts and by tests. */
export async function createServiceApp(options: ServiceAppOptions): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(ServiceModule.forRoot(options), {
    bufferLogs: true,
    bodyParser: false,
  });
  app.useLogger(app.get(Logger));
  app.disable('x-powered-by');
  app.useBodyParser('json', { limit: JSON_BODY_LIMIT });
  app.setGlobalPrefix('api');
  app.enableShutdownHooks();
  setupOpenApi(app, {
    title: options.title,
    description: 'Trellis services. Errors are RFC 9457 problem+json; see the Problem schema.',
    version: '0.1.0',
    tags: options.verticals.map((v) => ({ name: v.name, description: v.description })),
  });
  return app;
}

/**
 * Entry point of a service process: validates the environment (exiting with status 2 and the
 * bad variables named if it is wrong), starts the application and listens on HOST:PORT.
 * SIGINT / SIGTERM close it gracefully (database connections, embedded database).
 */
export async function runService(
  options: Omit<ServiceAppOptions, 'config'> & { readonly defaultPort: number },
): Promise<INestApplication> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${options.service}: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const app = await createServiceApp({ ...options, config });
  const port = config.PORT ?? options.defaultPort;
  await app.listen(port, config.HOST);
  app
    .get(Logger)
    .log(`${options.service} listening on ${await app.getUrl()} (OpenAPI at /api/docs)`);
  return app;
}

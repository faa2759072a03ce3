import { type DynamicModule, Module, type Provider } from '@nestjs/common';
import { ChainClient, type ChainClientOptions, Keystore } from '../chain';

export interface ChainModuleOptions {
  /** Base URLs of the chain nodes the service talks to. */
  readonly nodes: readonly string[];
  /** The service's keystore, opened (and every entry decrypted) when the application starts. */
  readonly keystore?: { readonly path: string; readonly passphrase: string };
  /** Further ChainClient settings (timeouts, retries, the chain's hash). */
  readonly client?: Omit<ChainClientOptions, 'nodes'>;
}

/**
 * The chain SDK for a Nest application, global: inject {@link ChainClient} and, when a keystore
 * is configured, {@link Keystore}. Options are checked when the module is built (a bad node URL
 * fails at start-up, naming the field); a wrong passphrase fails the application's start.
 * Projections need the database: build them in the vertical with ChainProjection and the
 * DataSource and ProjectionCheckpoints that DatabaseModule provides.
 */
@Module({})
export class ChainModule {
  static forRoot(options: ChainModuleOptions): DynamicModule {
    const client = new ChainClient({ ...(options.client ?? {}), nodes: options.nodes });
    const providers: Provider[] = [{ provide: ChainClient, useValue: client }];
    const keystore = options.keystore;
    if (keystore !== undefined) {
      providers.push({
        provide: Keystore,
        useFactory: () => Keystore.open(keystore.path, keystore.passphrase),
      });
    }
    return {
      module: ChainModule,
      global: true,
      providers,
      exports: providers.map((p) => (p as { provide: unknown }).provide as typeof ChainClient),
    };
  }
}

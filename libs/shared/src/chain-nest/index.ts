export { ChainModule } from './chain.module';
export type { ChainModuleOptions } from './chain.module';
export { sendGenesis } from './genesis';
export { ReadModelProjection } from './read-model-projection';

export { ChainModule } from './chain.module';
export type { ChainModuleOptions } from './chain.module';

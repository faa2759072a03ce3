export { ChainModule } from './chain.module';
export type { ChainModuleOptions } from './chain.module';
export { ActingMember, MEMBER_HEADER } from './acting-member';
export { sendGenesis } from './genesis';

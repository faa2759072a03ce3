import { Global, Module } from '@nestjs/common';
import { AccountStore } from './account-store';
import { SessionsController } from './sessions.controller';
import { SignInGuard } from './signed-in';

/** Accounts, sessions and the sign-in guard, for every vertical of the process. */
@Global()
@Module({
  controllers: [SessionsController],
  providers: [AccountStore, SignInGuard],
  exports: [AccountStore, SignInGuard],
})
export class AccountsModule {}

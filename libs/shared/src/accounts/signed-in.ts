/**
 * Sign-in on routes: `@SignedIn('merchant')` lets a request through only with a live session of
 * an account holding one of the roles; `@CurrentAccount()` hands the handler that account.
 * The session travels as `Authorization: Bearer <token>` (programs) or the `trellis_session`
 * cookie the sign-in sets (browsers; HttpOnly, SameSite=Strict).
 */
import {
  type CanActivate,
  type ExecutionContext,
  Injectable,
  SetMetadata,
  UseGuards,
  applyDecorators,
  createParamDecorator,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiBearerAuth, ApiCookieAuth } from '@nestjs/swagger';
import type { Request } from 'express';
import { AccountStore, type Principal } from './account-store';
import { RoleRequiredError, SignInRequiredError } from './errors';

export const SESSION_COOKIE = 'trellis_session';
const ROLES = 'trellis:roles';
const SIGNED_IN = Symbol('trellis:signed-in');

type SignedInRequest = Request & { [SIGNED_IN]?: { account: Principal; token: string } };

/** The session token of a request: the bearer token, else the session cookie. */
export function sessionTokenOf(req: Request): string | undefined {
  const auth = req.headers.authorization;
  if (typeof auth === 'string') {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(auth);
    return m ? m[1] : undefined;
  }
  const cookies = req.headers.cookie;
  if (typeof cookies !== 'string') return undefined;
  for (const part of cookies.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === SESSION_COOKIE) return part.slice(eq + 1).trim();
  }
  return undefined;
}

@Injectable()
export class SignInGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly accounts: AccountStore,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const roles =
      this.reflector.getAllAndOverride<string[] | undefined>(ROLES, [
        ctx.getHandler(),
        ctx.getClass(),
      ]) ?? [];
    const req = ctx.switchToHttp().getRequest<SignedInRequest>();
    const token = sessionTokenOf(req);
    if (token === undefined) {
      throw new SignInRequiredError(
        'sign in first (POST /api/sessions), then send the session as a bearer token or cookie',
      );
    }
    const session = await this.accounts.authenticate(token);
    if (session === undefined) {
      throw new SignInRequiredError('the session is unknown, expired or signed out: sign in again');
    }
    const { account } = session;
    if (roles.length > 0 && !roles.some((r) => account.roles.includes(r))) {
      throw new RoleRequiredError(
        `this is for the ${roles.join(' or ')} role; ${account.username} has ${account.roles.join(', ')}`,
        { required: roles },
      );
    }
    req[SIGNED_IN] = { account, token };
    return true;
  }
}

/** The route needs a signed-in account with one of `roles` (any account when none is named). */
export function SignedIn(...roles: string[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    SetMetadata(ROLES, roles),
    UseGuards(SignInGuard),
    ApiBearerAuth(),
    ApiCookieAuth(SESSION_COOKIE),
  );
}

/** The signed-in account of a `@SignedIn` route. */
export const CurrentAccount = createParamDecorator(
  (_data: unknown, ctx: ExecutionContext): Principal => {
    const signedIn = ctx.switchToHttp().getRequest<SignedInRequest>()[SIGNED_IN];
    if (signedIn === undefined)
      throw new SignInRequiredError('this route needs a signed-in account');
    return signedIn.account;
  },
);

/** The session token of a `@SignedIn` route's request. */
export function signedInToken(req: Request): string | undefined {
  return (req as SignedInRequest)[SIGNED_IN]?.token;
}

import { type ExecutionContext, createParamDecorator } from '@nestjs/common';
import type { Request } from 'express';
import { MemberRequiredError } from '../errors';

export const MEMBER_HEADER = 'x-trellis-member';
const ORG = /^[a-z][a-z0-9-]{1,62}$/;

/**
 * The organisation acting on a member route, from `X-Trellis-Member`: which of the service's
 * member organisations signs. (Until the portals' sign-in per organisation arrives, whoever
 * reaches the service may act for its organisations: run it behind the organisation's own
 * network boundary.) Missing or malformed: 401 `member-required`.
 */
export const ActingMember = createParamDecorator(
  (_data: unknown, ctx: ExecutionContext): string => {
    const value = ctx.switchToHttp().getRequest<Request>().headers[MEMBER_HEADER];
    if (typeof value !== 'string' || !ORG.test(value)) {
      throw new MemberRequiredError(
        'this route acts for an organisation: name it in the X-Trellis-Member header (an organisation id)',
      );
    }
    return value;
  },
);

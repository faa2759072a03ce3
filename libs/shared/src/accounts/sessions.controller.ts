import { Body, Controller, Delete, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';
import type { Request, Response } from 'express';
import { AccountStore, SESSION_MS, type Principal } from './account-store';
import { PASSWORD_MAX_LENGTH } from './password';
import { CurrentAccount, SESSION_COOKIE, SignedIn, signedInToken } from './signed-in';

export class SignInDto {
  @ApiProperty({ example: 'li.na' })
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  username!: string;

  @ApiProperty({ format: 'password' })
  @IsString()
  @MinLength(1)
  @MaxLength(PASSWORD_MAX_LENGTH * 4)
  password!: string;
}

export interface SessionView {
  readonly account: Principal;
  readonly expiresAt: string;
}

/** The cookie of a session: the browser keeps it from scripts and never sends it cross-site. */
function sessionCookie(req: Request, value: string, maxAgeSeconds: number): string {
  const secure = req.secure || req.headers['x-forwarded-proto'] === 'https';
  return `${SESSION_COOKIE}=${value}; Path=/api; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}${secure ? '; Secure' : ''}`;
}

/** Sign-in, who-am-I and sign-out: `/api/sessions`. */
@ApiTags('sessions')
@Controller('sessions')
export class SessionsController {
  constructor(private readonly accounts: AccountStore) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({
    summary: 'Sign in: a session token (also set as an HttpOnly cookie) valid for 8 hours',
  })
  async signIn(
    @Body() body: SignInDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<SessionView & { token: string }> {
    const session = await this.accounts.signIn(body.username, body.password);
    res.setHeader('set-cookie', sessionCookie(req, session.token, SESSION_MS / 1000));
    res.setHeader('cache-control', 'no-store');
    return {
      token: session.token,
      account: session.account,
      expiresAt: session.expiresAt.toISOString(),
    };
  }

  @Get('current')
  @SignedIn()
  @ApiOperation({ summary: 'The signed-in account' })
  current(@CurrentAccount() account: Principal): { account: Principal } {
    return { account };
  }

  @Delete('current')
  @HttpCode(204)
  @SignedIn()
  @ApiOperation({ summary: 'Sign out: the session ends here and now' })
  async signOut(@Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<void> {
    const token = signedInToken(req);
    if (token !== undefined) await this.accounts.signOut(token);
    res.setHeader('set-cookie', sessionCookie(req, '', 0));
  }
}

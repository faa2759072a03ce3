// Sign-in: accounts from the accounts file, scrypt password hashes, sessions by bearer token or
// HttpOnly cookie, lock-out, sign-out — on the service kernel with its real database.
import request from 'supertest';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import {
  AccountStore,
  AccountsFileError,
  LOCKOUT_AFTER,
  SESSION_COOKIE,
  hashPassword,
  parseAccountsFile,
  passwordProblem,
  verifyPassword,
} from '@trellis/shared';
import {
  TEST_PASSWORD,
  type TestApp,
  createTestApp,
  writeTestAccounts,
  problemCode,
} from '@trellis/shared/testing';
import { DataSource } from 'typeorm';

jest.setTimeout(60_000);

describe('password hashes', () => {
  it('verify_theRightPasswordOnly_withTheCostReadFromTheHash', async () => {
    const hash = await hashPassword('a long enough password', { ln: 10, r: 8, p: 1 });
    expect(hash).toMatch(/^scrypt\$ln=10,r=8,p=1\$[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{43}=$/);
    expect(await verifyPassword('a long enough password', hash)).toBe(true);
    expect(await verifyPassword('a long enough passwore', hash)).toBe(false);
    // a fresh salt every time
    expect(await hashPassword('a long enough password', { ln: 10, r: 8, p: 1 })).not.toBe(hash);
  });

  it('badHashes_andWeakPasswords_areRefused', async () => {
    await expect(verifyPassword('x', 'md5$abc')).rejects.toThrow(/not a password hash/);
    await expect(
      verifyPassword('x', `scrypt$ln=4,r=8,p=1$${'A'.repeat(22)}==$${'A'.repeat(43)}=`),
    ).rejects.toThrow(/cost out of range/);
    expect(passwordProblem('short')).toMatch(/at least 12/);
    expect(passwordProblem('x'.repeat(257))).toMatch(/at most 256/);
    expect(passwordProblem('twelve chars')).toBeNull();
  });
});

describe('accounts file', () => {
  const hash = `scrypt$ln=10,r=8,p=1$${'A'.repeat(22)}==$${'A'.repeat(43)}=`;

  it('parse_namesEveryProblem', () => {
    const text = JSON.stringify({
      accounts: [
        { username: 'Li Na', organisation: 'tax-bureau', roles: [], passwordHash: hash },
        { username: 'ok', organisation: 'Bank', roles: ['merchant'], passwordHash: 'plain' },
        { username: 'ok2', organisation: 'bank', roles: ['merchant'], passwordHash: hash, x: 1 },
      ],
    });
    let error: AccountsFileError | undefined;
    try {
      parseAccountsFile(text, 'f.json');
    } catch (e) {
      error = e as AccountsFileError;
    }
    expect(error).toBeInstanceOf(AccountsFileError);
    expect(error!.problems).toEqual([
      expect.stringMatching(/^accounts\.0\.username: /),
      expect.stringMatching(/^accounts\.0\.roles: at least one role/),
      expect.stringMatching(/^accounts\.1\.organisation: /),
      expect.stringMatching(/^accounts\.1\.passwordHash: not a password hash/),
      expect.stringMatching(/^accounts\.2: .*x/),
    ]);
    expect(() => parseAccountsFile('{', 'f.json')).toThrow(/not JSON/);
    const twice = { username: 'ok', organisation: 'bank', roles: ['merchant'], passwordHash: hash };
    expect(() => parseAccountsFile(JSON.stringify({ accounts: [twice, twice] }))).toThrow(
      /ok is listed twice/,
    );
  });
});

describe('sign-in on the service', () => {
  let t: TestApp;
  let file: string;
  const http = () => request(t.app.getHttpServer());
  const signIn = (username: string, password = TEST_PASSWORD) =>
    http().post('/api/sessions').send({ username, password });

  beforeAll(async () => {
    file = await writeTestAccounts([
      { username: 'li.na', organisation: 'tax-bureau', roles: ['tax-bureau'] },
      { username: 'zhang', organisation: 'bank', roles: ['buyer'], subject: 'E-1001' },
      { username: 'locked', organisation: 'bank', roles: ['enterprise'] },
    ]);
    t = await createTestApp({ verticals: [], config: { TRELLIS_ACCOUNTS_FILE: file } });
  });
  afterAll(() => t?.close());

  it('signIn_givesABearerTokenAndAnHttpOnlyStrictCookie', async () => {
    const res = await signIn('Li.Na').expect(201);
    expect(res.body).toMatchObject({
      account: {
        username: 'li.na',
        organisation: 'tax-bureau',
        roles: ['tax-bureau'],
        subject: null,
      },
    });
    const token = res.body.token as string;
    expect(Date.parse(res.body.expiresAt) - Date.now()).toBeGreaterThan(7.9 * 3600_000);
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toBe(
      `${SESSION_COOKIE}=${token}; Path=/api; HttpOnly; SameSite=Strict; Max-Age=28800`,
    );
    expect(res.headers['cache-control']).toBe('no-store');
    const byBearer = await http()
      .get('/api/sessions/current')
      .set('authorization', `Bearer ${token}`)
      .expect(200);
    expect(byBearer.body.account.username).toBe('li.na');
    const byCookie = await http()
      .get('/api/sessions/current')
      .set('cookie', `other=1; ${SESSION_COOKIE}=${token}`)
      .expect(200);
    expect(byCookie.body.account.username).toBe('li.na');
    // only the token's SHA-256 is stored
    const stored = await t.app
      .get(DataSource)
      .query(
        "SELECT encode(token_sha256, 'hex') AS h FROM account_session WHERE username = 'li.na'",
      );
    expect(JSON.stringify(stored)).not.toContain(token);
    expect(stored).toEqual(
      expect.arrayContaining([{ h: createHash('sha256').update(token).digest('hex') }]),
    );
  });

  it('wrongPasswordAndUnknownUser_lookAlike', async () => {
    const wrong = await signIn('zhang', 'not the password at all').expect(401);
    const unknown = await signIn('nobody', 'not the password at all').expect(401);
    expect([problemCode(wrong.body), wrong.body.detail]).toEqual([
      'sign-in-failed',
      'wrong username or password',
    ]);
    expect([problemCode(unknown.body), unknown.body.detail]).toEqual([
      'sign-in-failed',
      'wrong username or password',
    ]);
    expect(wrong.headers['set-cookie']).toBeUndefined();
    const bad = await http().post('/api/sessions').send({ username: 'zhang' }).expect(400);
    expect(problemCode(bad.body)).toBe('validation-failed');
  });

  it('signOut_endsTheSessionAtOnce', async () => {
    const token = (await signIn('zhang').expect(201)).body.token as string;
    const auth = { authorization: `Bearer ${token}` };
    await http().get('/api/sessions/current').set(auth).expect(200);
    const out = await http().delete('/api/sessions/current').set(auth).expect(204);
    expect(String(out.headers['set-cookie'])).toContain(`${SESSION_COOKIE}=; Path=/api`);
    const after = await http().get('/api/sessions/current').set(auth).expect(401);
    expect(problemCode(after.body)).toBe('sign-in-required');
    expect(problemCode((await http().get('/api/sessions/current').expect(401)).body)).toBe(
      'sign-in-required',
    );
    await http().get('/api/sessions/current').set('authorization', 'Basic eDp5').expect(401);
  });

  it('lockOut_afterTenFailures_evenForTheRightPassword', async () => {
    for (let i = 0; i < LOCKOUT_AFTER; i++)
      await signIn('locked', 'wrong password, again').expect(401);
    const locked = await signIn('locked').expect(429);
    expect(problemCode(locked.body)).toBe('sign-in-locked');
    expect(Date.parse(locked.body.retryAfter) - Date.now()).toBeGreaterThan(14 * 60_000);
    // others are not affected
    await signIn('zhang').expect(201);
  });

  it('concurrentRequests_eachGetTheirOwnAccount_fromOneLookup', async () => {
    const store = t.app.get(AccountStore);
    const [a, b] = [
      await store.signIn('zhang', TEST_PASSWORD),
      await store.signIn('li.na', TEST_PASSWORD),
    ];
    const unknown = 'A'.repeat(43);
    const found = await Promise.all([
      store.authenticate(a.token),
      store.authenticate(unknown),
      store.authenticate(b.token),
      store.authenticate(a.token),
    ]);
    expect(found.map((f) => f?.account.username)).toEqual(['zhang', undefined, 'li.na', 'zhang']);
    expect(found[0]?.expiresAt.getTime()).toBe(a.expiresAt.getTime());
    // over HTTP, at once: each request is answered as its own account
    const answers = await Promise.all(
      [a, b, a, b].map((s) =>
        http().get('/api/sessions/current').set('authorization', `Bearer ${s.token}`).expect(200),
      ),
    );
    expect(
      answers.map((r) => (r.body as { account: { username: string } }).account.username),
    ).toEqual(['zhang', 'li.na', 'zhang', 'li.na']);
    await store.signOut(b.token);
    const after = await Promise.all([store.authenticate(a.token), store.authenticate(b.token)]);
    expect(after.map((f) => f?.account.username)).toEqual(['zhang', undefined]);
  });

  it('sessionsExpire_andAChangedAccountEndsItsSessions', async () => {
    const store = t.app.get(AccountStore);
    const session = await store.signIn('zhang', TEST_PASSWORD);
    expect((await store.authenticate(session.token))?.account.subject).toBe('E-1001');
    expect(
      await store.authenticate(session.token, new Date(Date.now() + 8 * 3600_000 + 1000)),
    ).toBeUndefined();
    // the operator changes zhang's password in the file; the service applies it
    const entries = parseAccountsFile(readFileSync(file, 'utf8'));
    const changed = entries.map((e) =>
      e.username === 'zhang' ? { ...e, passwordHash: `${e.passwordHash.slice(0, -4)}AAA=` } : e,
    );
    writeFileSync(file, JSON.stringify({ accounts: changed }));
    expect(await store.apply(changed)).toBe(1);
    expect(await store.apply(changed)).toBe(0);
    expect(await store.authenticate(session.token)).toBeUndefined();
    // disabled: no sign-in, and no live session
    await store.apply(changed.map((e) => (e.username === 'li.na' ? { ...e, disabled: true } : e)));
    expect(problemCode((await signIn('li.na').expect(401)).body)).toBe('sign-in-failed');
  });
});

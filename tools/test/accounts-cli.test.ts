// `npm run accounts`: the operator's tool for the accounts file.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAccountsFile, verifyPassword } from '@trellis/shared';
import { runAccountsCli } from '../accounts/cli';

describe('accounts cli', () => {
  it('cli_addsHashesDisablesAndLists_neverWritingAPassword', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'trellis-cli-')), 'accounts.json');
    const out: string[] = [];
    const io = (stdin: string) => ({ stdin: async () => stdin, out: (l: string) => out.push(l) });
    await runAccountsCli(
      ['add', file, '--username', 'li.na', '--organisation', 'tax-bureau', '--roles', 'tax-bureau'],
      io('a password of mine\n'),
    );
    await runAccountsCli(
      ['add', file, '--username', 'zhang', '--organisation', 'bank', '--roles', 'buyer,enterprise'],
      io(''),
    ).catch((e: Error) => out.push(`error: ${e.message}`));
    expect(out.at(-1)).toBe('error: password refused: a password has at least 12 characters');
    await runAccountsCli(
      [
        'add',
        file,
        '--username',
        'zhang',
        '--organisation',
        'bank',
        '--roles',
        'buyer,enterprise',
        '--subject',
        'E-1001',
        '--generate',
      ],
      io(''),
    );
    const generated = out.at(-1)!.replace('password: ', '');
    expect(generated).toMatch(/^[A-Za-z0-9_-]{20}$/);
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain('a password of mine');
    expect(text).not.toContain(generated);
    const entries = parseAccountsFile(text);
    expect(entries.map((e) => [e.username, e.roles, e.subject])).toEqual([
      ['li.na', ['tax-bureau'], undefined],
      ['zhang', ['buyer', 'enterprise'], 'E-1001'],
    ]);
    expect(await verifyPassword('a password of mine', entries[0]!.passwordHash)).toBe(true);
    expect(await verifyPassword(generated, entries[1]!.passwordHash)).toBe(true);
    await runAccountsCli(['disable', file, '--username', 'zhang'], io(''));
    out.length = 0;
    await runAccountsCli(['list', file], io(''));
    expect(out).toEqual([
      'li.na\ttax-bureau\ttax-bureau\t-',
      'zhang\tbank\tbuyer,enterprise\tE-1001\tdisabled',
    ]);
    await runAccountsCli(['hash'], io('another long password\n'));
    expect(await verifyPassword('another long password', out.at(-1)!)).toBe(true);
  });
});

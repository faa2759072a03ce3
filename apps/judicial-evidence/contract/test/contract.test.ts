import {
  type Caller,
  type ContractContext,
  type ContractEvent,
  ContractError,
  type StateEntry,
} from '@trellis/chain-core';
import { createHash } from 'node:crypto';
import { judicialEvidenceContract } from '@trellis/judicial-evidence-contract';

/** A contract context over an in-memory state, as the executor gives one per transaction. */
class World {
  readonly state = new Map<string, Uint8Array>();
  readonly events: ContractEvent[] = [];
  height = 10n;
  #tx = 0;

  call(
    org: string,
    method: string,
    args: unknown,
    roles: readonly string[] = ['service'],
  ): Uint8Array {
    const txId = createHash('sha256').update(`tx${++this.#tx}`).digest();
    const caller: Caller = {
      org,
      name: `${org}-service`,
      kind: 'service',
      roles,
      certificate: new Uint8Array(32),
    };
    const key = (k: Uint8Array) => Buffer.from(k).toString('hex');
    const writes = new Map<string, Uint8Array>();
    const emitted: ContractEvent[] = [];
    const ctx: ContractContext = {
      caller,
      block: { height: this.height, timeMs: 1_800_000_000_000n + this.height },
      txId,
      state: {
        get: (k) => writes.get(key(k)) ?? this.state.get(key(k)),
        put: (k, v) => void writes.set(key(k), v),
        delete: () => {
          throw new Error('deposits are never deleted');
        },
        range: (): StateEntry[] => [],
      },
      emit: (e) => void emitted.push(e),
    };
    const access: Readonly<Record<string, readonly string[]>> = judicialEvidenceContract.access;
    const allowed = access[method];
    if (allowed && !allowed.some((r) => roles.includes(r)))
      throw new ContractError('forbidden', 'role');
    const methods: Readonly<Record<string, unknown>> = judicialEvidenceContract.methods;
    const fn = methods[method] as (c: ContractContext, a: unknown) => void;
    fn(ctx, args); // throws: nothing of `writes` is applied, as a failed transaction changes nothing
    for (const [k, v] of writes) this.state.set(k, v);
    this.events.push(...emitted);
    this.height += 1n;
    return txId;
  }
}

const digest = (label: string, alg = 'sha256') => createHash(alg).update(label).digest();
const evidence = (label: string, extra: Record<string, unknown> = {}) => ({
  sha256: digest(label),
  sm3: digest(label, 'sm3'),
  type: 'contract',
  title: `Loan contract ${label}`,
  ...extra,
});
const codeOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (error) {
    if (error instanceof ContractError) return error.code;
    throw error;
  }
  throw new Error('expected a ContractError');
};

describe('judicial-evidence contract', () => {
  it('deposit_recordsDigestsOncePerDepositor_andEmitsTheFacts', () => {
    const w = new World();
    const id = w.call('bank', 'deposit', evidence('a'));
    expect(w.events).toHaveLength(1);
    const e = w.events[0]!;
    expect(e.type).toBe('evidence.deposited');
    expect(e.data).toMatchObject({
      id,
      sha256: digest('a'),
      sm3: digest('a', 'sm3'),
      type: 'contract',
      title: 'Loan contract a',
      depositor: 'bank',
      parent: null,
      corrects: null,
      privateHash: null,
      height: 10n,
    });
    // the same digest again by the same depositor is refused, and changes nothing
    const before = w.state.size;
    expect(codeOf(() => w.call('bank', 'deposit', evidence('a')))).toBe('already-deposited');
    expect(w.state.size).toBe(before);
    // … also through notarise, which shares the digest key
    expect(codeOf(() => w.call('bank', 'notarise', { digest: digest('a') }))).toBe(
      'already-deposited',
    );
    // another depositor may deposit the same evidence
    w.call('court', 'deposit', evidence('a'));
    expect(w.events).toHaveLength(2);
  });

  it('evidenceChain_parentMustExist_anyDepositor', () => {
    const w = new World();
    const loan = w.call('bank', 'deposit', evidence('loan'));
    const notice = w.call(
      'manufacturer',
      'deposit',
      evidence('notice', { type: 'notice', parent: loan }),
    );
    expect(w.events[1]!.data).toMatchObject({
      id: notice,
      parent: loan,
      depositor: 'manufacturer',
    });
    expect(codeOf(() => w.call('bank', 'deposit', evidence('x', { parent: digest('nope') })))).toBe(
      'unknown-parent',
    );
  });

  it('corrections_linkTheDepositorsOwnDeposit_only', () => {
    const w = new World();
    const old = w.call('bank', 'deposit', evidence('v1'));
    const fixed = w.call('bank', 'deposit', evidence('v2', { corrects: old }));
    expect(w.events[1]!.data).toMatchObject({ id: fixed, corrects: old });
    expect(codeOf(() => w.call('court', 'deposit', evidence('v3', { corrects: old })))).toBe(
      'not-depositor',
    );
    expect(
      codeOf(() => w.call('bank', 'deposit', evidence('v4', { corrects: digest('zz') }))),
    ).toBe('unknown-deposit');
  });

  it('privateMetadata_commitmentRecorded_depositorMustBeARecipient', () => {
    const w = new World();
    const payloadHash = digest('meta');
    w.call(
      'bank',
      'deposit',
      evidence('p', { private: { payloadHash, recipients: ['bank', 'court'] } }),
    );
    expect(w.events[0]!.data).toMatchObject({
      privateHash: payloadHash,
      privateRecipients: ['bank', 'court'],
    });
    expect(
      codeOf(() =>
        w.call(
          'bank',
          'deposit',
          evidence('q', { private: { payloadHash, recipients: ['court'] } }),
        ),
      ),
    ).toBe('invalid-args');
  });

  it('badArgs_areRefusedWithInvalidArgs', () => {
    const w = new World();
    const bad: unknown[] = [
      null,
      [],
      'x',
      evidence('a', { sha256: new Uint8Array(31) }),
      evidence('a', { sm3: 'ab' }),
      evidence('a', { type: 'rumour' }),
      evidence('a', { title: '' }),
      evidence('a', { title: ' padded' }),
      evidence('a', { title: 'x'.repeat(201) }),
      evidence('a', { title: 'line\nbreak' }),
      evidence('a', { parent: new Uint8Array(5) }),
      evidence('a', { private: { payloadHash: new Uint8Array(32), recipients: 'bank' } }),
    ];
    for (const args of bad)
      expect(codeOf(() => w.call('bank', 'deposit', args))).toBe('invalid-args');
    expect(w.state.size).toBe(0);
    // 200 characters of CJK are fine (characters, not bytes)
    w.call('bank', 'deposit', evidence('cjk', { title: '借'.repeat(200) }));
  });

  it('present_courtRoleOnly_oncePerCase', () => {
    const w = new World();
    const id = w.call('bank', 'deposit', evidence('a'));
    expect(codeOf(() => w.call('bank', 'present', { deposit: id, caseNumber: 'C-1' }))).toBe(
      'forbidden',
    );
    w.call('court', 'present', { deposit: id, caseNumber: '(2026)浙0192民初1234号' }, ['court']);
    expect(w.events[1]).toMatchObject({
      type: 'evidence.presented',
      data: { deposit: id, caseNumber: '(2026)浙0192民初1234号', court: 'court' },
    });
    expect(
      codeOf(() =>
        w.call('court', 'present', { deposit: id, caseNumber: '(2026)浙0192民初1234号' }, [
          'court',
        ]),
      ),
    ).toBe('already-presented');
    w.call('court', 'present', { deposit: id, caseNumber: 'C-2' }, ['court']);
    expect(
      codeOf(() =>
        w.call('court', 'present', { deposit: digest('none'), caseNumber: 'C-1' }, ['court']),
      ),
    ).toBe('unknown-deposit');
    for (const caseNumber of ['', 'a/b', ' C-1', 'x'.repeat(65), 7]) {
      expect(codeOf(() => w.call('court', 'present', { deposit: id, caseNumber }, ['court']))).toBe(
        'invalid-args',
      );
    }
  });

  it('timestamp_anchorsAnImprint_ofAKnownAlgorithm', () => {
    const w = new World();
    w.call('bank', 'timestamp', { hashAlgorithm: 'sha512', imprint: digest('hello', 'sha512') });
    w.call('bank', 'timestamp', { hashAlgorithm: 'sha512', imprint: digest('hello', 'sha512') });
    expect(w.events.map((e) => e.type)).toEqual(['evidence.timestamped', 'evidence.timestamped']);
    expect(w.events[0]!.data).toMatchObject({ hashAlgorithm: 'sha512', tsa: 'bank', height: 10n });
    for (const args of [
      { hashAlgorithm: 'md5', imprint: digest('x', 'md5') },
      { hashAlgorithm: 'toString', imprint: digest('x') },
      { hashAlgorithm: 'sha256', imprint: digest('x', 'sha512') },
    ]) {
      expect(codeOf(() => w.call('bank', 'timestamp', args))).toBe('invalid-args');
    }
  });
});

// The judicial evidence API end to end: supertest against the real service (in process) on the
// real PostgreSQL (DATABASE_URL, as CI sets it; PGlite without), acting on a real
// four-validator consortium (node processes).
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import request from 'supertest';
import {
  type TestAccount,
  type TestApp,
  createTestApp,
  problemCode,
} from '@trellis/shared/testing';
import { judicialEvidenceVertical } from '@trellis/judicial-evidence';
import {
  type LocalConsortium,
  evidenceEnv,
  startEvidenceConsortium,
} from './support/evidence-stack';

const run = promisify(execFile);
const BASE = '/api/judicial-evidence';
const CORPUS = join(__dirname, 'fixtures', 'rfc3161');
const VERIFY_BIN = join(__dirname, '..', '..', '..', 'libs', 'verify', 'bin', 'trellis-verify.js');
const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const sm3 = (data: string | Buffer) => createHash('sm3').update(data).digest('hex');
/** The problem code of an RFC 9457 body (`type` is `urn:trellis:problem:<code>`). */
const digests = (label: string) => ({ sha256: sha256(label), sm3: sm3(label) });

jest.setTimeout(180_000);

/**
 * Who signs in: each account acts for its organisation in its roles. Depositor accounts are
 * named after their organisation; `clerk` is the court's, with the court role.
 */
const ACCOUNTS: TestAccount[] = [
  { username: 'bank', organisation: 'bank', roles: ['depositor'] },
  { username: 'manufacturer', organisation: 'manufacturer', roles: ['depositor'] },
  { username: 'court', organisation: 'court', roles: ['depositor'] },
  { username: 'tax-bureau', organisation: 'tax-bureau', roles: ['depositor'] },
  { username: 'clerk', organisation: 'court', roles: ['court'] },
  // the role says court, the organisation is not one: the service's court signer refuses
  { username: 'bank-judge', organisation: 'bank', roles: ['court'] },
  // an organisation this service does not act for
  { username: 'pirate', organisation: 'pirate', roles: ['depositor'] },
];

describe('judicial evidence API on a real consortium and PostgreSQL', () => {
  let consortium: LocalConsortium;
  let t: TestApp;
  const saved = { ...process.env };
  const http = () => request(t.app.getHttpServer());
  const as = (username: string) => t.as(username);

  beforeAll(async () => {
    consortium = await startEvidenceConsortium();
    Object.assign(process.env, evidenceEnv(consortium, 'https://portal.example'), {
      TRELLIS_EVIDENCE_UPLOAD_LIMIT: String(8 * 1024 * 1024),
    });
    t = await createTestApp({
      verticals: [judicialEvidenceVertical],
      service: 'evidence-e2e',
      accounts: ACCOUNTS,
    });
    expect(t.db.kind).toBe(process.env['DATABASE_URL'] ? 'postgres' : 'pglite');
  });

  afterAll(async () => {
    await t?.close();
    await consortium?.stop();
    process.env = saved;
  });

  const deposit = (org: string, body: Record<string, unknown>) =>
    http().post(`${BASE}/deposits`).set(as(org)).send(body);

  it('digestOnlyDeposit_isCommitted_readable_listed_andFoundByEitherDigest', async () => {
    const d = digests('loan contract 001');
    const res = await deposit('bank', {
      ...d,
      type: 'contract',
      title: 'Loan contract 001',
    }).expect(201);
    expect(res.body).toMatchObject({
      ...d,
      type: 'contract',
      title: 'Loan contract 001',
      depositor: 'bank',
      depositorName: 'Commercial Bank',
      parent: null,
      corrects: null,
      hasPrivateMetadata: false,
      presentations: [],
    });
    expect(res.body.id).toMatch(/^[0-9a-f]{64}$/);
    expect(BigInt(res.body.height)).toBeGreaterThan(0n);
    expect(res.body.blockHash).toMatch(/^[0-9a-f]{64}$/);
    expect(Math.abs(Date.parse(res.body.time) - Date.now())).toBeLessThan(120_000);
    expect(res.body.links.verifyPage).toBe(
      `https://portal.example/court/verify?deposit=${res.body.id}`,
    );

    // the chain itself says so: the node's transaction view names the same block
    const tx = (await (
      await fetch(`${consortium.nodes[2]}/v1/transactions/${res.body.id}`)
    ).json()) as Record<string, unknown>;
    expect(tx).toMatchObject({ status: 'committed', height: res.body.height });

    await http().get(`${BASE}/deposits/${res.body.id}`).expect(200, res.body);
    const mine = await http().get(`${BASE}/deposits`).set(as('bank')).expect(200);
    expect(mine.body.items.map((x: { id: string }) => x.id)).toContain(res.body.id);
    // a browser sends the session as its cookie instead of a bearer token
    const others = await http()
      .get(`${BASE}/deposits`)
      .set(
        'cookie',
        `trellis_session=${t.as('manufacturer').authorization.slice('Bearer '.length)}`,
      )
      .expect(200);
    expect(others.body.items.map((x: { id: string }) => x.id)).not.toContain(res.body.id);
    const search = await http()
      .get(`${BASE}/deposits?q=contract%20001`)
      .set(as('bank'))
      .expect(200);
    expect(search.body.items.map((x: { id: string }) => x.id)).toEqual([res.body.id]);
    const none = await http().get(`${BASE}/deposits?q=nothing-like-it`).set(as('bank')).expect(200);
    expect(none.body.items).toEqual([]);
    const bySha = await http().get(`${BASE}/verify?sha256=${d.sha256}`).expect(200);
    expect(bySha.body.matches.map((x: { id: string }) => x.id)).toEqual([res.body.id]);
    const bySm3 = await http().get(`${BASE}/verify?sm3=${d.sm3.toUpperCase()}`).expect(200);
    expect(bySm3.body.matches.map((x: { id: string }) => x.id)).toEqual([res.body.id]);
    const unknown = await http()
      .get(`${BASE}/verify?sha256=${sha256('never deposited')}`)
      .expect(200);
    expect(unknown.body.matches).toEqual([]);
  });

  it('upload_hashesWhileStreaming_sameDigestsAsLocal_duplicateIs409', async () => {
    const file = Buffer.alloc(3 * 1024 * 1024 + 17);
    for (let i = 0; i < file.length; i++) file[i] = (i * 31 + (i >> 9)) & 0xff;
    const res = await http()
      .post(`${BASE}/deposits/upload`)
      .set(as('manufacturer'))
      .field('type', 'video')
      .field('title', '出厂检验录像 batch 7')
      .attach('file', file, 'inspection.mp4')
      .expect(201);
    expect(res.body).toMatchObject({
      sha256: sha256(file),
      sm3: sm3(file),
      type: 'video',
      title: '出厂检验录像 batch 7',
      depositor: 'manufacturer',
    });
    const again = await http()
      .post(`${BASE}/deposits/upload`)
      .set(as('manufacturer'))
      .field('type', 'video')
      .field('title', 'same file again')
      .attach('file', file, 'copy.mp4')
      .expect(409);
    expect(problemCode(again.body)).toBe('already-deposited');
    expect(again.body.existing).toBe(res.body.id);
    // POST /verify hashes a file without keeping it and finds the deposit
    const verified = await http().post(`${BASE}/verify`).attach('file', file, 'x').expect(200);
    expect(verified.body).toMatchObject({
      sha256: sha256(file),
      sm3: sm3(file),
      bytes: file.length,
    });
    expect(verified.body.matches.map((x: { id: string }) => x.id)).toEqual([res.body.id]);
    // one byte changed: no match
    file[1000] = file[1000]! ^ 1;
    const tampered = await http().post(`${BASE}/verify`).attach('file', file, 'x').expect(200);
    expect(tampered.body.matches).toEqual([]);
  });

  it('evidenceChain_parentsChildrenAndCorrections_andTheirRefusals', async () => {
    const loan = (
      await deposit('bank', { ...digests('chain loan'), type: 'contract', title: 'Loan' }).expect(
        201,
      )
    ).body;
    const paid = (
      await deposit('bank', {
        ...digests('chain disbursement'),
        type: 'payment',
        title: 'Disbursement',
        parent: loan.id,
      }).expect(201)
    ).body;
    const notice = (
      await deposit('bank', {
        ...digests('chain notice 1'),
        type: 'notice',
        title: 'Overdue notice 1',
        parent: paid.id,
      }).expect(201)
    ).body;
    const fixed = (
      await deposit('bank', {
        ...digests('chain notice 1b'),
        type: 'notice',
        title: 'Overdue notice 1 (corrected)',
        corrects: notice.id,
      }).expect(201)
    ).body;
    expect(fixed).toMatchObject({ corrects: notice.id, parent: null });
    const chain = await http().get(`${BASE}/deposits/${notice.id}/chain`).expect(200);
    expect(chain.body.root).toBe(loan.id);
    expect(chain.body.deposits.map((x: { id: string }) => x.id)).toEqual([
      loan.id,
      paid.id,
      notice.id,
      fixed.id,
    ]);
    const noticeNow = await http().get(`${BASE}/deposits/${notice.id}`).expect(200);
    expect(noticeNow.body).toMatchObject({ correctedBy: [fixed.id], parent: paid.id });
    expect((await http().get(`${BASE}/deposits/${loan.id}`)).body.children).toEqual([paid.id]);

    // another organisation may link its evidence to the chain, but not correct the bank's
    const court = await deposit('court', {
      ...digests('court link'),
      type: 'document',
      title: 'Ruling',
      parent: notice.id,
    }).expect(201);
    expect(court.body.parent).toBe(notice.id);
    const notMine = await deposit('court', {
      ...digests('court fix'),
      type: 'notice',
      title: 'x',
      corrects: notice.id,
    }).expect(422);
    expect([problemCode(notMine.body), notMine.body.reason]).toEqual([
      'deposit-refused',
      'not-depositor',
    ]);
    const orphan = await deposit('bank', {
      ...digests('orphan'),
      type: 'notice',
      title: 'x',
      parent: sha256('no such'),
    }).expect(422);
    expect([problemCode(orphan.body), orphan.body.reason]).toEqual([
      'deposit-refused',
      'unknown-parent',
    ]);
    // refused deposits change nothing
    await http()
      .get(`${BASE}/verify?sha256=${sha256('court fix')}`)
      .expect(200, { matches: [] });
  });

  it('presentations_courtRoleOnly_oncePerCase_shownOnTheDeposit', async () => {
    const d = (
      await deposit('bank', {
        ...digests('presented'),
        type: 'email',
        title: 'Reminder email',
      }).expect(201)
    ).body;
    const p = await http()
      .post(`${BASE}/deposits/${d.id}/presentations`)
      .set(as('clerk'))
      .send({ caseNumber: '(2026)浙0192民初1234号' })
      .expect(201);
    expect(p.body).toMatchObject({
      caseNumber: '(2026)浙0192民初1234号',
      court: 'court',
      courtName: 'Internet Court',
      presentedBy: 'court-clerk',
    });
    const again = await http()
      .post(`${BASE}/deposits/${d.id}/presentations`)
      .set(as('clerk'))
      .send({ caseNumber: '(2026)浙0192民初1234号' })
      .expect(409);
    expect(problemCode(again.body)).toBe('already-presented');
    // the court role on an account of an organisation that is no court: the service refuses
    const bank = await http()
      .post(`${BASE}/deposits/${d.id}/presentations`)
      .set(as('bank-judge'))
      .send({ caseNumber: 'C-1' })
      .expect(403);
    expect(problemCode(bank.body)).toBe('not-a-court');
    // the court's own organisation, but a depositor account: the sign-in guard refuses
    for (const depositor of ['court', 'bank']) {
      const noRole = await http()
        .post(`${BASE}/deposits/${d.id}/presentations`)
        .set(as(depositor))
        .send({ caseNumber: 'C-2' })
        .expect(403);
      expect(problemCode(noRole.body)).toBe('role-required');
      expect(noRole.body.required).toEqual(['court']);
    }
    const anonymous = await http()
      .post(`${BASE}/deposits/${d.id}/presentations`)
      .send({ caseNumber: 'C-3' })
      .expect(401);
    expect(problemCode(anonymous.body)).toBe('sign-in-required');
    await http()
      .post(`${BASE}/deposits/${sha256('none')}/presentations`)
      .set(as('clerk'))
      .send({ caseNumber: 'C-1' })
      .expect(404);
    await http()
      .post(`${BASE}/deposits/${d.id}/presentations`)
      .set(as('clerk'))
      .send({ caseNumber: 'a/b' })
      .expect(400);
    // none of the refused presentations was recorded
    const shown = await http().get(`${BASE}/deposits/${d.id}`).expect(200);
    expect(shown.body.presentations).toEqual([
      expect.objectContaining({ caseNumber: '(2026)浙0192民初1234号', court: 'court' }),
    ]);
  });

  it('proof_verifiesAgainstGenesis_withTheStandaloneVerifier', async () => {
    const d = (
      await deposit('bank', { ...digests('proved'), type: 'contract', title: 'Proved' }).expect(201)
    ).body;
    const genesis = await http().get(`${BASE}/genesis`).expect(200);
    expect(genesis.headers['x-genesis-sha256']).toBe(sha256(genesis.text));
    const proof = await http()
      .get(`${BASE}/deposits/${d.id}/proof`)
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      })
      .expect(200)
      .expect('content-type', /application\/cbor/);
    const dir = mkdtempSync(join(tmpdir(), 'evidence-proof-'));
    writeFileSync(join(dir, 'genesis.json'), genesis.text);
    writeFileSync(join(dir, 'deposit.proof'), proof.body as Buffer);
    const { stdout } = await run(process.execPath, [
      VERIFY_BIN,
      '--genesis',
      join(dir, 'genesis.json'),
      '--json',
      join(dir, 'deposit.proof'),
    ]);
    const result = JSON.parse(stdout) as {
      verified: boolean;
      verdict: {
        txId: string;
        height: string;
        signers: number;
        quorum: number;
        receipt: { status: string; events: { type: string; data: Record<string, unknown> }[] };
      };
    };
    expect(result.verified).toBe(true);
    expect(result.verdict).toMatchObject({ txId: d.id, height: d.height, quorum: 3 });
    expect(result.verdict.signers).toBeGreaterThanOrEqual(3);
    expect(result.verdict.receipt.status).toBe('ok');
    expect(result.verdict.receipt.events[0]).toMatchObject({
      type: 'evidence.deposited',
      data: { id: d.id, sha256: d.sha256, sm3: d.sm3, depositor: 'bank' },
    });
    // a flipped byte is refused by the verifier
    const broken = Buffer.from(proof.body as Buffer);
    broken[broken.length - 40] = broken[broken.length - 40]! ^ 1;
    writeFileSync(join(dir, 'broken.proof'), broken);
    await expect(
      run(process.execPath, [
        VERIFY_BIN,
        '--genesis',
        join(dir, 'genesis.json'),
        join(dir, 'broken.proof'),
      ]),
    ).rejects.toMatchObject({ code: 1 });
  });

  it('privateMetadata_onlyItsHashOnChain_readableByRecipientsOnly', async () => {
    const metadata = { borrower: '张三', idCard: '330106199001011234', amountFen: 1_000_000 };
    const d = (
      await deposit('bank', {
        ...digests('private'),
        type: 'contract',
        title: 'Loan with borrower data',
        metadata,
        metadataRecipients: ['court'],
      }).expect(201)
    ).body;
    expect(d.hasPrivateMetadata).toBe(true);
    expect(JSON.stringify(d)).not.toContain('330106199001011234');
    const read = await http().get(`${BASE}/deposits/${d.id}/metadata`).set(as('bank')).expect(200);
    expect(read.body).toEqual({ metadata });
    const court = await http()
      .get(`${BASE}/deposits/${d.id}/metadata`)
      .set(as('court'))
      .expect(200);
    expect(court.body).toEqual({ metadata });
    const other = await http()
      .get(`${BASE}/deposits/${d.id}/metadata`)
      .set(as('manufacturer'))
      .expect(403);
    expect(problemCode(other.body)).toBe('not-depositor');
    // the court's clerk signs in for presentations, not to read depositors' metadata
    const clerk = await http()
      .get(`${BASE}/deposits/${d.id}/metadata`)
      .set(as('clerk'))
      .expect(403);
    expect(problemCode(clerk.body)).toBe('role-required');
    const anonymous = await http().get(`${BASE}/deposits/${d.id}/metadata`).expect(401);
    expect(problemCode(anonymous.body)).toBe('sign-in-required');
    // the chain's copy of the transaction carries no metadata in clear
    const tx = await (await fetch(`${consortium.nodes[0]}/v1/transactions/${d.id}`)).text();
    expect(tx).not.toContain('330106199001011234');
  });

  it('badInputs_getClearProblems_andChangeNothing', async () => {
    const before = (await http().get(`${BASE}/deposits?limit=200`).set(as('bank'))).body.items
      .length;
    const ok = { ...digests('bad inputs'), type: 'contract', title: 'ok' };
    const cases: [string, () => request.Test, number, string][] = [
      ['no session', () => http().post(`${BASE}/deposits`).send(ok), 401, 'sign-in-required'],
      [
        'unknown session',
        () =>
          http()
            .post(`${BASE}/deposits`)
            .set('authorization', `Bearer ${'A'.repeat(43)}`)
            .send(ok),
        401,
        'sign-in-required',
      ],
      [
        'upload without session',
        () =>
          http()
            .post(`${BASE}/deposits/upload`)
            .field('type', 'contract')
            .field('title', 't')
            .attach('file', Buffer.from('z'), 'z'),
        401,
        'sign-in-required',
      ],
      ['list without session', () => http().get(`${BASE}/deposits`), 401, 'sign-in-required'],
      ['court clerk deposits', () => deposit('clerk', ok), 403, 'role-required'],
      [
        'court clerk uploads',
        () =>
          http()
            .post(`${BASE}/deposits/upload`)
            .set(as('clerk'))
            .field('type', 'contract')
            .field('title', 't')
            .attach('file', Buffer.from('z'), 'z'),
        403,
        'role-required',
      ],
      [
        'court clerk lists',
        () => http().get(`${BASE}/deposits`).set(as('clerk')),
        403,
        'role-required',
      ],
      ['unknown member', () => deposit('pirate', ok), 403, 'unknown-member'],
      ['bad sha256', () => deposit('bank', { ...ok, sha256: 'xyz' }), 400, 'validation-failed'],
      [
        'upper-case sm3',
        () => deposit('bank', { ...ok, sm3: ok.sm3.toUpperCase() }),
        400,
        'validation-failed',
      ],
      ['unknown type', () => deposit('bank', { ...ok, type: 'rumour' }), 400, 'validation-failed'],
      ['empty title', () => deposit('bank', { ...ok, title: '' }), 400, 'validation-failed'],
      [
        'control char',
        () => deposit('bank', { ...ok, title: 'a\u0007b' }),
        400,
        'validation-failed',
      ],
      [
        'long title',
        () => deposit('bank', { ...ok, title: 'x'.repeat(201) }),
        400,
        'validation-failed',
      ],
      [
        'unknown field',
        () => deposit('bank', { ...ok, depositor: 'court' }),
        400,
        'validation-failed',
      ],
      ['bad parent', () => deposit('bank', { ...ok, parent: '12' }), 400, 'validation-failed'],
      [
        'metadata not object',
        () => deposit('bank', { ...ok, metadata: 'x' }),
        400,
        'validation-failed',
      ],
      [
        'metadata to stranger',
        () => deposit('bank', { ...ok, metadata: {}, metadataRecipients: ['nobody'] }),
        400,
        'validation-failed',
      ],
      ['bad id', () => http().get(`${BASE}/deposits/xyz`), 400, 'validation-failed'],
      [
        'no deposit',
        () => http().get(`${BASE}/deposits/${sha256('none')}`),
        404,
        'no-such-deposit',
      ],
      [
        'no deposit chain',
        () => http().get(`${BASE}/deposits/${sha256('none')}/chain`),
        404,
        'no-such-deposit',
      ],
      [
        'no deposit proof',
        () => http().get(`${BASE}/deposits/${sha256('none')}/proof`),
        404,
        'no-such-deposit',
      ],
      [
        'verify both',
        () => http().get(`${BASE}/verify?sha256=${ok.sha256}&sm3=${ok.sm3}`),
        400,
        'validation-failed',
      ],
      ['verify none', () => http().get(`${BASE}/verify`), 400, 'validation-failed'],
      ['verify bad hex', () => http().get(`${BASE}/verify?sha256=abc`), 400, 'validation-failed'],
      [
        'bad limit',
        () => http().get(`${BASE}/deposits?limit=0`).set(as('bank')),
        400,
        'validation-failed',
      ],
      [
        'bad cursor',
        () => http().get(`${BASE}/deposits?before=x`).set(as('bank')),
        400,
        'validation-failed',
      ],
      [
        'upload not multipart',
        () => http().post(`${BASE}/deposits/upload`).set(as('bank')).send(ok),
        400,
        'bad-upload',
      ],
      [
        'upload without file',
        () =>
          http()
            .post(`${BASE}/deposits/upload`)
            .set(as('bank'))
            .field('type', 'contract')
            .field('title', 't'),
        400,
        'bad-upload',
      ],
      [
        'upload bad fields',
        () =>
          http()
            .post(`${BASE}/deposits/upload`)
            .set(as('bank'))
            .field('type', 'nope')
            .field('title', 't')
            .attach('file', Buffer.from('x'), 'x'),
        400,
        'validation-failed',
      ],
      [
        'upload wrong part',
        () =>
          http()
            .post(`${BASE}/deposits/upload`)
            .set(as('bank'))
            .field('type', 'contract')
            .field('title', 't')
            .attach('evidence', Buffer.from('x'), 'x'),
        400,
        'bad-upload',
      ],
      [
        'upload too large',
        () =>
          http()
            .post(`${BASE}/deposits/upload`)
            .set(as('bank'))
            .field('type', 'contract')
            .field('title', 't')
            .attach('file', Buffer.alloc(9 * 1024 * 1024), 'big'),
        413,
        'upload-too-large',
      ],
      [
        'metadata unreadable',
        () =>
          http()
            .post(`${BASE}/deposits/upload`)
            .set(as('bank'))
            .field('type', 'contract')
            .field('title', 't')
            .field('metadata', '{oops')
            .attach('file', Buffer.from('y'), 'y'),
        400,
        'validation-failed',
      ],
    ];
    for (const [name, send, status, code] of cases) {
      const res = await send();
      expect({ name, status: res.status, code: problemCode(res.body) }).toEqual({
        name,
        status,
        code,
      });
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    }
    const after = (await http().get(`${BASE}/deposits?limit=200`).set(as('bank'))).body.items
      .length;
    expect(after).toBe(before);
    await http().get(`${BASE}/verify?sha256=${ok.sha256}`).expect(200, { matches: [] });
  });

  it('list_pagesNewestFirst_withACursor', async () => {
    for (let i = 0; i < 3; i++) {
      await deposit('tax-bureau', {
        ...digests(`page ${i}`),
        type: 'document',
        title: `Page ${i}`,
      }).expect(201);
    }
    const first = await http().get(`${BASE}/deposits?limit=2`).set(as('tax-bureau')).expect(200);
    expect(first.body.items.map((x: { title: string }) => x.title)).toEqual(['Page 2', 'Page 1']);
    expect(first.body.next).toMatch(/^\d+\.\d+$/);
    const second = await http()
      .get(`${BASE}/deposits?limit=2&before=${first.body.next}`)
      .set(as('tax-bureau'))
      .expect(200);
    expect(second.body.items.map((x: { title: string }) => x.title)).toEqual(['Page 0']);
    expect(second.body.next).toBeNull();
    const typed = await http()
      .get(`${BASE}/deposits?type=contract`)
      .set(as('tax-bureau'))
      .expect(200);
    expect(typed.body.items).toEqual([]);
  });
  it('certificatePdf_isSignedByTheDepositorOrganisation_andPdfsigSaysValid', async () => {
    const d = (
      await deposit('bank', {
        ...digests('certified'),
        type: 'contract',
        title: 'Certified loan',
      }).expect(201)
    ).body;
    const pdf = await http()
      .get(`${BASE}/deposits/${d.id}/certificate.pdf`)
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      })
      .expect(200)
      .expect('content-type', /application\/pdf/);
    const dir = mkdtempSync(join(tmpdir(), 'evidence-pdf-'));
    const file = join(dir, 'certificate.pdf');
    writeFileSync(file, pdf.body as Buffer);
    const sig = await run('pdfsig', [file]);
    expect(sig.stdout).toContain('Signature Validation: Signature is Valid.');
    expect(sig.stdout).toContain('bank-documents');
    const text = (await run('pdftotext', [file, '-'])).stdout.replace(/\s+/g, '');
    for (const fact of [d.id, d.sha256, d.sm3, d.height, 'CommercialBank'])
      expect(text).toContain(fact);
    await http()
      .get(`${BASE}/deposits/${sha256('nope')}/certificate.pdf`)
      .expect(404);
  });

  it('tsa_issuesTokensAnchoredInABlock_thatOpensslVerifies', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'evidence-tsa-'));
    const data = join(dir, 'contract.txt');
    writeFileSync(data, 'the signed loan contract, version 3');
    await run('openssl', [
      'ts',
      '-query',
      '-data',
      data,
      '-sha256',
      '-cert',
      '-out',
      join(dir, 'req.tsq'),
    ]);
    const reply = await http()
      .post(`${BASE}/tsa`)
      .set('content-type', 'application/timestamp-query')
      .send(readFileSync(join(dir, 'req.tsq')))
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      })
      .expect(200)
      .expect('content-type', /application\/timestamp-reply/);
    writeFileSync(join(dir, 'resp.tsr'), reply.body as Buffer);
    const chain = await http().get(`${BASE}/tsa/certificate`).expect(200);
    const certs = chain.text.match(
      /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g,
    )!;
    expect(certs).toHaveLength(2);
    writeFileSync(join(dir, 'tsa.pem'), `${certs[0]}\n`);
    writeFileSync(join(dir, 'ca.pem'), `${certs[1]}\n`);
    const verify = await run('openssl', [
      'ts',
      '-verify',
      '-in',
      join(dir, 'resp.tsr'),
      '-queryfile',
      join(dir, 'req.tsq'),
      '-CAfile',
      join(dir, 'ca.pem'),
      '-untrusted',
      join(dir, 'tsa.pem'),
    ]);
    expect(verify.stdout).toContain('Verification: OK');
    // the data, not just the request, verifies; other data does not
    await run('openssl', [
      'ts',
      '-verify',
      '-in',
      join(dir, 'resp.tsr'),
      '-data',
      data,
      '-CAfile',
      join(dir, 'ca.pem'),
      '-untrusted',
      join(dir, 'tsa.pem'),
    ]);
    writeFileSync(join(dir, 'other.txt'), 'the signed loan contract, version 4');
    await expect(
      run('openssl', [
        'ts',
        '-verify',
        '-in',
        join(dir, 'resp.tsr'),
        '-data',
        join(dir, 'other.txt'),
        '-CAfile',
        join(dir, 'ca.pem'),
        '-untrusted',
        join(dir, 'tsa.pem'),
      ]),
    ).rejects.toBeDefined();

    // the token names the block whose time it carries, and that block holds the imprint
    const checked = await http()
      .post(`${BASE}/tsa/verify`)
      .send({
        token: (reply.body as Buffer).toString('base64'),
        digest: sha256(readFileSync(data)),
      })
      .expect(200);
    expect(checked.body).toMatchObject({
      ok: true,
      hashAlgorithm: 'sha256',
      messageImprint: sha256(readFileSync(data)),
    });
    const anchor = checked.body.anchor as { chainId: string; height: string; txId: string };
    expect(anchor.chainId).toBe('trellis-local');
    const tx = (await (
      await fetch(`${consortium.nodes[1]}/v1/transactions/${anchor.txId}`)
    ).json()) as {
      height: string;
      receipt: { events: { type: string; data: { imprint: string; timeMs: string } }[] };
    };
    expect(tx.height).toBe(anchor.height);
    expect(tx.receipt.events[0]).toMatchObject({
      type: 'evidence.timestamped',
      data: { imprint: sha256(readFileSync(data)) },
    });
    expect(new Date(checked.body.genTime).getTime()).toBe(
      Number(tx.receipt.events[0]!.data.timeMs),
    );

    // a malformed request gets an RFC 3161 rejection, not a token
    const rejected = await http()
      .post(`${BASE}/tsa`)
      .set('content-type', 'application/timestamp-query')
      .send(Buffer.from('not a request'))
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      })
      .expect(200);
    writeFileSync(join(dir, 'rejected.tsr'), rejected.body as Buffer);
    const text = await run('openssl', ['ts', '-reply', '-in', join(dir, 'rejected.tsr'), '-text']);
    expect(text.stdout).toMatch(/Status: Rejected/);
    const wrongType = await http()
      .post(`${BASE}/tsa`)
      .set('content-type', 'application/json')
      .send('{}')
      .expect(400);
    expect(problemCode(wrongType.body)).toBe('bad-upload');
  });

  it('tsaVerify_thirdPartyCorpusTokens_asExpectedMdSays', async () => {
    const chain = readFileSync(join(CORPUS, 'sigstage', 'ts_chain.pem'), 'utf8');
    const token = (name: string) => readFileSync(join(CORPUS, 'sigstage', name)).toString('base64');
    const hello = Buffer.from('hello').toString('base64');
    const good = await http()
      .post(`${BASE}/tsa/verify`)
      .send({ token: token('response-sha256.tsr'), data: hello, trustedCertificatesPem: chain })
      .expect(200);
    expect(good.body).toMatchObject({ ok: true, hashAlgorithm: 'sha256' });
    const bad = await http()
      .post(`${BASE}/tsa/verify`)
      .send({
        token: token('response-invalid-signature.tsr'),
        data: hello,
        trustedCertificatesPem: chain,
      })
      .expect(200);
    expect(bad.body.ok).toBe(false);
    const other = await http()
      .post(`${BASE}/tsa/verify`)
      .send({
        token: token('response-sha256.tsr'),
        data: Buffer.from('hellO').toString('base64'),
        trustedCertificatesPem: chain,
      })
      .expect(200);
    expect(other.body.ok).toBe(false);
    const invalid = await http()
      .post(`${BASE}/tsa/verify`)
      .send({ token: '%%%', data: hello })
      .expect(400);
    expect(problemCode(invalid.body)).toBe('validation-failed');
  });
});

'use client';
// The court verification page: the file is hashed in this browser (never uploaded), its deposit
// looked up by digest (or opened by ?deposit=), and the deposit's proof verified here against
// the chain's genesis. The page trusts neither the depositor nor Trellis's servers: every fact
// in the verdict comes from the verified proof.
import { type DragEvent, type FormEvent, useCallback, useEffect, useRef, useState } from 'react';
import {
  ApiError,
  type Deposit,
  apiJson,
  courtVerifyHref,
  formatBytes,
  formatUtc,
  isHex64,
} from '../../_lib/evidence-api';
import { type Check, type Evidence, checkDeposit, hashFile } from '../../_lib/verifier';

type Phase =
  | { readonly kind: 'idle' }
  | {
      readonly kind: 'hashing';
      readonly name: string;
      readonly done: number;
      readonly total: number;
    }
  | { readonly kind: 'checking'; readonly what: string }
  | { readonly kind: 'done'; readonly evidence: Evidence; readonly checks: readonly Check[] }
  | { readonly kind: 'error'; readonly message: string };

function errorText(error: unknown): string {
  if (error instanceof ApiError) return `${error.message} (${error.code})`;
  return error instanceof Error ? error.message : String(error);
}

export function CourtVerify({ depositId }: { depositId: string | null }) {
  const [phase, setPhase] = useState<Phase>({ kind: 'idle' });
  const [opened, setOpened] = useState<Deposit | null>(null);
  const [dragging, setDragging] = useState(false);
  const [digest, setDigest] = useState('');
  const [algorithm, setAlgorithm] = useState<'sha256' | 'sm3'>('sha256');
  const run = useRef(0);

  /** Checks `evidence` against the opened deposit, or against every deposit of its digest. */
  const check = useCallback(async (evidence: Evidence, against: Deposit | null) => {
    const mine = ++run.current;
    setPhase({ kind: 'checking', what: 'Verifying the proof against the genesis…' });
    try {
      let deposits: readonly Deposit[];
      if (against) deposits = [against];
      else if (evidence.kind === 'none') deposits = [];
      else {
        const [algo, hex] =
          evidence.kind === 'file'
            ? (['sha256', evidence.digests.sha256] as const)
            : ([evidence.algorithm, evidence.hex] as const);
        const found = await apiJson<{ matches: Deposit[] }>(`/verify?${algo}=${hex}`);
        deposits = found.matches;
      }
      const checks: Check[] = [];
      if (deposits.length === 0) {
        const label =
          evidence.kind === 'file'
            ? `This file is not deposited evidence: its SHA-256 ${evidence.digests.sha256} matches no deposit on the chain.`
            : evidence.kind === 'digest'
              ? `No deposit on the chain has this ${evidence.algorithm === 'sha256' ? 'SHA-256' : 'SM3'} digest (${evidence.hex}).`
              : 'No deposit to check.';
        checks.push({ state: 'mismatch', deposit: null, sentence: label });
      }
      for (const deposit of deposits) checks.push(await checkDeposit(evidence, deposit));
      if (run.current === mine) setPhase({ kind: 'done', evidence, checks });
    } catch (error) {
      if (run.current === mine) setPhase({ kind: 'error', message: errorText(error) });
    }
  }, []);

  // Opened from a certificate's QR code: load and verify that deposit straight away.
  useEffect(() => {
    if (depositId === null) return;
    if (!isHex64(depositId)) {
      setPhase({ kind: 'error', message: `“${depositId}” is not a deposit id (64 hex digits).` });
      return;
    }
    let live = true;
    apiJson<Deposit>(`/deposits/${depositId}`)
      .then((deposit) => {
        if (!live) return;
        setOpened(deposit);
        return check({ kind: 'none' }, deposit);
      })
      .catch((error: unknown) => live && setPhase({ kind: 'error', message: errorText(error) }));
    return () => {
      live = false;
    };
  }, [depositId, check]);

  async function onFile(file: File | undefined) {
    if (!file) return;
    const mine = ++run.current;
    setPhase({ kind: 'hashing', name: file.name, done: 0, total: file.size });
    try {
      const digests = await hashFile(file, (done, total) => {
        if (run.current === mine) setPhase({ kind: 'hashing', name: file.name, done, total });
      });
      if (run.current !== mine) return;
      await check({ kind: 'file', name: file.name, digests }, opened);
    } catch (error) {
      if (run.current === mine) setPhase({ kind: 'error', message: errorText(error) });
    }
  }

  function onDrop(event: DragEvent<HTMLElement>) {
    event.preventDefault();
    setDragging(false);
    void onFile(event.dataTransfer.files[0]);
  }

  function onDigest(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const hex = digest.trim().toLowerCase();
    if (!isHex64(hex)) {
      setPhase({
        kind: 'error',
        message: 'A digest is 64 hexadecimal characters (0–9, a–f); please check what you pasted.',
      });
      return;
    }
    void check({ kind: 'digest', algorithm, hex }, opened);
  }

  return (
    <main className="evidence-page">
      <p className="crumbs">
        <a href="/">Trellis</a> › Court verification
      </p>
      <h1>Court verification</h1>
      <p className="lead">
        Check a piece of evidence against the chain without trusting whoever deposited it. Your file
        is hashed in this browser and never leaves it; the deposit’s proof is verified here against
        the chain’s genesis.
      </p>

      {opened && (
        <p className="notice" data-testid="opened-deposit">
          Checking deposit <code>{opened.id}</code> — “{opened.title}”. Drop the file you were given
          to compare it with this deposit.
        </p>
      )}

      <section aria-labelledby="file-heading" className="card">
        <h2 id="file-heading">Check a file</h2>
        <label
          className={`dropzone${dragging ? ' dragging' : ''}`}
          data-testid="dropzone"
          onDragOver={(e) => {
            e.preventDefault();
            setDragging(true);
          }}
          onDragLeave={() => setDragging(false)}
          onDrop={onDrop}
        >
          <span>Drop the evidence file here, or choose it</span>
          <input
            type="file"
            data-testid="file-input"
            aria-label="Evidence file"
            onChange={(e) => {
              void onFile(e.target.files?.[0]);
              e.target.value = '';
            }}
          />
        </label>
        {phase.kind === 'hashing' && (
          <div className="progress-row" data-testid="hash-status">
            <progress
              data-testid="hash-progress"
              max={phase.total || 1}
              value={phase.done}
              aria-label={`Hashing ${phase.name}`}
            />
            <span>
              Hashing {phase.name}: {formatBytes(phase.done)} of {formatBytes(phase.total)}
            </span>
          </div>
        )}
      </section>

      <section aria-labelledby="digest-heading" className="card">
        <h2 id="digest-heading">Or paste a digest</h2>
        <form className="row" onSubmit={onDigest}>
          <label>
            Algorithm{' '}
            <select
              data-testid="digest-algorithm"
              value={algorithm}
              onChange={(e) => setAlgorithm(e.target.value === 'sm3' ? 'sm3' : 'sha256')}
            >
              <option value="sha256">SHA-256</option>
              <option value="sm3">SM3</option>
            </select>
          </label>
          <label className="grow">
            Digest (hex){' '}
            <input
              type="text"
              data-testid="digest-input"
              value={digest}
              spellCheck={false}
              autoComplete="off"
              placeholder="64 hexadecimal characters"
              onChange={(e) => setDigest(e.target.value)}
            />
          </label>
          <button type="submit" data-testid="digest-submit">
            Check digest
          </button>
        </form>
      </section>

      <section aria-live="polite" aria-labelledby="result-heading">
        <h2 id="result-heading">Result</h2>
        {phase.kind === 'idle' && <p className="muted">Nothing checked yet.</p>}
        {phase.kind === 'hashing' && <p className="muted">Hashing the file in your browser…</p>}
        {phase.kind === 'checking' && (
          <p className="muted" data-testid="checking">
            {phase.what}
          </p>
        )}
        {phase.kind === 'error' && (
          <p
            className="verdict verdict-error"
            data-testid="verdict"
            data-state="error"
            role="alert"
          >
            {phase.message}
          </p>
        )}
        {phase.kind === 'done' && (
          <>
            {phase.evidence.kind === 'file' && (
              <p className="muted" data-testid="file-digests">
                {phase.evidence.name}: SHA-256 <code>{phase.evidence.digests.sha256}</code>, SM3{' '}
                <code>{phase.evidence.digests.sm3}</code> (computed in this browser)
              </p>
            )}
            {phase.checks.map((c, i) => (
              <CheckResult key={c.deposit?.id ?? `none-${i}`} check={c} />
            ))}
          </>
        )}
      </section>
    </main>
  );
}

function CheckResult({ check }: { check: Check }) {
  if (check.state === 'mismatch') {
    return (
      <article className="result">
        <p
          className="verdict verdict-mismatch"
          data-testid="verdict"
          data-state="mismatch"
          role="alert"
        >
          <strong>MISMATCH</strong> {check.sentence}
        </p>
        {check.deposit && <DepositFacts deposit={check.deposit} />}
      </article>
    );
  }
  if (check.state === 'not-verified') {
    return (
      <article className="result">
        <p
          className="verdict verdict-mismatch"
          data-testid="verdict"
          data-state="not-verified"
          role="alert"
        >
          <strong>NOT VERIFIED</strong> The proof of deposit <code>{check.deposit.id}</code> failed
          verification: <span data-testid="verify-reason">{check.reason}</span>
        </p>
        <p className="muted">
          Nothing the service says about this deposit can be relied on. What it claims is shown
          below for reference only.
        </p>
        <DepositFacts deposit={check.deposit} />
        {check.genesisSha256 && <GenesisLine sha256={check.genesisSha256} />}
      </article>
    );
  }
  const { deposit, proven } = check;
  return (
    <article className="result">
      <p className="verdict verdict-ok" data-testid="verdict" data-state="verified">
        {check.sentence}
      </p>
      <dl className="facts">
        <dt>Deposited by</dt>
        <dd data-testid="depositor">
          {proven.depositorName} (<code>{proven.depositor}</code>)
        </dd>
        <dt>When</dt>
        <dd data-testid="deposit-time">{formatUtc(proven.timestampMs)}</dd>
        <dt>Block</dt>
        <dd data-testid="block">
          {proven.height} (hash <code>{proven.blockHash}</code>), chain{' '}
          <code>{proven.chainId}</code>, epoch {proven.epoch}
        </dd>
        <dt>Signatures</dt>
        <dd data-testid="signers">
          {proven.signers} of {proven.validators} validators (quorum {proven.quorum}),{' '}
          {proven.suite}
        </dd>
        <dt>Evidence</dt>
        <dd>
          {deposit.title} ({deposit.type})
        </dd>
        <dt>SHA-256</dt>
        <dd>
          <code data-testid="proven-sha256">{proven.sha256}</code>
        </dd>
        <dt>SM3</dt>
        <dd>
          <code data-testid="proven-sm3">{proven.sm3}</code>
        </dd>
        <dt>Deposit id</dt>
        <dd>
          <code data-testid="deposit-id">{deposit.id}</code>
        </dd>
      </dl>
      <GenesisLine sha256={check.genesisSha256} />
      <EvidenceChain deposit={deposit} />
      <Presentations deposit={deposit} />
    </article>
  );
}

function GenesisLine({ sha256 }: { sha256: string }) {
  return (
    <p className="genesis">
      The check relied on the chain’s genesis file with SHA-256{' '}
      <code data-testid="genesis-sha256">{sha256}</code>. Compare it with the value the consortium
      publishes: if they differ, this verdict means nothing.
    </p>
  );
}

/** What the service says about a deposit that could not be verified (for reference). */
function DepositFacts({ deposit }: { deposit: Deposit }) {
  return (
    <dl className="facts">
      <dt>Deposit</dt>
      <dd>
        <code>{deposit.id}</code> — {deposit.title} ({deposit.type})
      </dd>
      <dt>Depositor (claimed)</dt>
      <dd>
        {deposit.depositorName} (<code>{deposit.depositor}</code>),{' '}
        {formatUtc(Number(deposit.timeMs))}
      </dd>
      <dt>SHA-256 recorded</dt>
      <dd>
        <code>{deposit.sha256}</code>
      </dd>
      <dt>SM3 recorded</dt>
      <dd>
        <code>{deposit.sm3}</code>
      </dd>
    </dl>
  );
}

function EvidenceChain({ deposit }: { deposit: Deposit }) {
  const [chain, setChain] = useState<readonly Deposit[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    apiJson<{ root: string; deposits: Deposit[] }>(`/deposits/${deposit.id}/chain`)
      .then((c) => live && setChain(c.deposits))
      .catch((e: unknown) => live && setError(errorText(e)));
    return () => {
      live = false;
    };
  }, [deposit.id]);
  return (
    <section aria-label="Evidence chain">
      <h3>Evidence chain</h3>
      <p className="muted">
        As the service records it, oldest first. Open a deposit to verify it on its own.
      </p>
      {error && <p className="muted">The evidence chain could not be loaded: {error}</p>}
      {chain && (
        <ol data-testid="evidence-chain">
          {chain.map((d) => (
            <li key={d.id} aria-current={d.id === deposit.id ? 'true' : undefined}>
              <a href={courtVerifyHref(d.id)}>{d.title}</a> — {d.depositorName},{' '}
              {formatUtc(Number(d.timeMs))}
              {d.id === deposit.id && ' (this deposit)'}
              {d.corrects && ' (a correction)'}
              {d.correctedBy.length > 0 && ' (corrected later)'}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

function Presentations({ deposit }: { deposit: Deposit }) {
  return (
    <section aria-label="Court presentations">
      <h3>Presented in court</h3>
      {deposit.presentations.length === 0 ? (
        <p className="muted" data-testid="presentations">
          Not yet presented in any case.
        </p>
      ) : (
        <ul data-testid="presentations">
          {deposit.presentations.map((p) => (
            <li key={`${p.court}/${p.caseNumber}`}>
              Case {p.caseNumber}, {p.court}, block {p.height}, {formatUtc(Date.parse(p.time))}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

'use client';
// The depositor's desk: sign in with the depositor role (the e-invoice desks' sign-in box: the
// session is an HttpOnly cookie the browser sends with every /api request), deposit a file in
// one step with upload progress, and list the signed-in account's organisation's deposits with
// their certificates and court links. The desk acts as that account's organisation.
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import {
  ApiError,
  type Deposit,
  EVIDENCE_API,
  EVIDENCE_TYPES,
  type Organisation,
  apiJson,
  genesisOrganisations,
  certificateHref,
  courtVerifyHref,
  formatBytes,
  formatUtc,
  isHex64,
  problemOf,
} from '../_lib/evidence-api';
import { SESSION_ENDED_EVENT } from '../_lib/invoice-api';
import { SignInGate, type SignedIn } from '../invoices/_components/sign-in';

/**
 * The role this desk is for (apps/judicial-evidence/src/deposits/roles.ts).
 */
const DESK_ROLES: readonly string[] = ['depositor'];

const PAGE_SIZE = 20;

type Progress =
  | { readonly kind: 'idle' }
  | { readonly kind: 'uploading'; readonly done: number; readonly total: number }
  | { readonly kind: 'committing' };

function errorText(error: unknown): string {
  if (error instanceof ApiError) return `${error.message} (${error.code})`;
  return error instanceof Error ? error.message : String(error);
}

/** A request answered 401 sign-in-required: the session ended, the sign-in box asks again. */
function announceSessionEnd(error: unknown): void {
  if (error instanceof ApiError && error.code === 'sign-in-required') {
    window.dispatchEvent(new Event(SESSION_ENDED_EVENT));
  }
}

/**
 * POSTs multipart `form` with upload progress (fetch reports none), resolving to the deposit.
 * Same-origin: the browser sends the session cookie with it.
 */
function uploadWithProgress(
  url: string,
  form: FormData,
  onProgress: (done: number, total: number) => void,
  onSent: () => void,
): Promise<Deposit> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    xhr.setRequestHeader('Accept', 'application/json, application/problem+json');
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(e.loaded, e.total);
    };
    xhr.upload.onload = onSent;
    xhr.onload = () => {
      const response = new Response(xhr.responseText, {
        status: xhr.status,
        headers: { 'content-type': xhr.getResponseHeader('content-type') ?? '' },
      });
      if (xhr.status === 201) {
        response.json().then((d: Deposit) => resolve(d), reject);
      } else {
        problemOf(response).then(reject, reject);
      }
    };
    xhr.onerror = () => reject(new ApiError(0, 'network', 'the upload could not reach the API'));
    xhr.onabort = () => reject(new ApiError(0, 'aborted', 'the upload was cancelled'));
    xhr.send(form);
  });
}

export function EvidenceDesk() {
  return (
    <main className="evidence-page">
      <p className="crumbs">
        <a href="/">Trellis</a> › Evidence deposits
      </p>
      <h1>Evidence deposits</h1>
      <p className="lead">
        Deposit a piece of evidence: its SHA-256 and SM3 digests are written on the chain with your
        organisation’s name and the time. The file itself is not stored.
      </p>
      <SignInGate desk="evidence desk" roles={DESK_ROLES}>
        {(signedIn) => <DepositorWork signedIn={signedIn} />}
      </SignInGate>
    </main>
  );
}

function DepositorWork({ signedIn: { account, orgName } }: { signedIn: SignedIn }) {
  const org = account.organisation;
  const [orgs, setOrgs] = useState<readonly Organisation[]>([]);
  const [file, setFile] = useState<File | null>(null);
  const [type, setType] = useState<string>('document');
  const [title, setTitle] = useState('');
  const [parent, setParent] = useState('');
  const [progress, setProgress] = useState<Progress>({ kind: 'idle' });
  const [created, setCreated] = useState<Deposit | null>(null);
  const [depositError, setDepositError] = useState<{ text: string; existing?: string } | null>(
    null,
  );
  const [query, setQuery] = useState('');
  const [items, setItems] = useState<readonly Deposit[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [listError, setListError] = useState<string | null>(null);
  const [listLoading, setListLoading] = useState(false);

  // The organisations' names, as the consortium's genesis file gives them (the chain's own).
  useEffect(() => {
    apiJson<unknown>('/genesis')
      .then((genesis) => setOrgs(genesisOrganisations(genesis)))
      .catch(() => setOrgs([])); // the names are a nicety: ids stand in for them
  }, []);

  const loadList = useCallback(
    async (before: string | null) => {
      setListLoading(true);
      setListError(null);
      const params = new URLSearchParams({ limit: String(PAGE_SIZE) });
      if (query.trim()) params.set('q', query.trim());
      if (before) params.set('before', before);
      try {
        const page = await apiJson<{ items: Deposit[]; next: string | null }>(
          `/deposits?${params}`,
        );
        setItems((old) => (before ? [...old, ...page.items] : page.items));
        setNext(page.next);
      } catch (error) {
        setListError(errorText(error));
        announceSessionEnd(error);
      } finally {
        setListLoading(false);
      }
    },
    [query],
  );

  // The list loads once signed in (the desk starts afresh for another account); the search
  // runs when submitted.
  useEffect(() => {
    void loadList(null);
  }, []); // not on `loadList`: it changes with every keystroke of the search

  async function onDeposit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setCreated(null);
    setDepositError(null);
    const trimmedTitle = title.trim();
    const parentId = parent.trim().toLowerCase();
    if (!file) return setDepositError({ text: 'Choose the file to deposit.' });
    if (!trimmedTitle) return setDepositError({ text: 'Give the evidence a title.' });
    if (parentId && !isHex64(parentId)) {
      return setDepositError({ text: 'The parent must be a deposit id (64 hex digits).' });
    }
    try {
      const form = new FormData();
      form.append('type', type);
      form.append('title', trimmedTitle);
      if (parentId) form.append('parent', parentId);
      form.append('file', file, file.name); // last: the API hashes it as it streams in
      setProgress({ kind: 'uploading', done: 0, total: file.size });
      const deposit = await uploadWithProgress(
        `${EVIDENCE_API}/deposits/upload`,
        form,
        (done, total) => setProgress({ kind: 'uploading', done, total }),
        () => setProgress({ kind: 'committing' }),
      );
      setCreated(deposit);
      setTitle('');
      setParent('');
      void loadList(null);
    } catch (error) {
      const existing =
        error instanceof ApiError && typeof error.problem?.['existing'] === 'string'
          ? error.problem['existing']
          : undefined;
      setDepositError({ text: errorText(error), ...(existing ? { existing } : {}) });
      announceSessionEnd(error);
    } finally {
      setProgress({ kind: 'idle' });
    }
  }

  const busy = progress.kind !== 'idle';
  const orgLabel = orgs.find((o) => o.id === org)?.name ?? orgName(org);

  return (
    <>
      <section className="card" aria-labelledby="deposit-heading">
        <h2 id="deposit-heading">New deposit</h2>
        <p className="muted" data-testid="depositor-org">
          Deposits are made for {orgLabel} ({org}), the organisation of {account.username}.
        </p>
        <form className="stack" onSubmit={onDeposit}>
          <label>
            File{' '}
            <input
              type="file"
              data-testid="deposit-file"
              onChange={(e) => setFile(e.target.files?.[0] ?? null)}
              disabled={busy}
            />
          </label>
          {file && (
            <p className="muted">
              {file.name}, {formatBytes(file.size)}
            </p>
          )}
          <div className="row">
            <label>
              Type{' '}
              <select
                data-testid="deposit-type"
                value={type}
                onChange={(e) => setType(e.target.value)}
                disabled={busy}
              >
                {EVIDENCE_TYPES.map((t) => (
                  <option key={t} value={t}>
                    {t}
                  </option>
                ))}
              </select>
            </label>
            <label className="grow">
              Title{' '}
              <input
                type="text"
                data-testid="deposit-title"
                value={title}
                maxLength={200}
                required
                onChange={(e) => setTitle(e.target.value)}
                disabled={busy}
              />
            </label>
          </div>
          <label>
            Part of an evidence chain: parent deposit id (optional){' '}
            <input
              type="text"
              data-testid="deposit-parent"
              value={parent}
              list="own-deposits"
              spellCheck={false}
              autoComplete="off"
              placeholder="64 hex digits"
              onChange={(e) => setParent(e.target.value)}
              disabled={busy}
            />
            <datalist id="own-deposits">
              {items.map((d) => (
                <option key={d.id} value={d.id}>
                  {d.title}
                </option>
              ))}
            </datalist>
          </label>
          <div className="row">
            <button type="submit" data-testid="deposit-submit" disabled={busy}>
              Deposit as {orgLabel}
            </button>
          </div>
          {progress.kind !== 'idle' && (
            <div className="progress-row" data-testid="upload-status">
              <progress
                data-testid="upload-progress"
                aria-label="Deposit progress"
                max={progress.kind === 'committing' ? 1 : progress.total || 1}
                value={progress.kind === 'committing' ? undefined : progress.done}
              />
              <span>
                {progress.kind === 'uploading'
                  ? `Uploading: ${formatBytes(progress.done)} of ${formatBytes(progress.total)}`
                  : 'The file is hashed; waiting for the chain to commit the deposit…'}
              </span>
            </div>
          )}
        </form>
        {depositError && (
          <p className="verdict verdict-mismatch" role="alert" data-testid="deposit-error">
            {depositError.text}
            {depositError.existing && (
              <>
                {' '}
                <a href={courtVerifyHref(depositError.existing)}>See the existing deposit</a>.
              </>
            )}
          </p>
        )}
        {created && (
          <div className="verdict verdict-ok" data-testid="deposit-result">
            <p>
              Deposited “{created.title}” as {created.depositorName} in block {created.height} at{' '}
              {formatUtc(Number(created.timeMs))}.
            </p>
            <p>
              Deposit id <code data-testid="created-id">{created.id}</code>
              <br />
              SHA-256 <code>{created.sha256}</code>
              <br />
              SM3 <code>{created.sm3}</code>
            </p>
            <p>
              <a data-testid="certificate-link" href={certificateHref(created.id)}>
                Download the certificate (PDF)
              </a>{' '}
              ·{' '}
              <a data-testid="court-link" href={courtVerifyHref(created.id)}>
                Verify it as a court would
              </a>
            </p>
          </div>
        )}
      </section>

      <section className="card" aria-labelledby="mine-heading">
        <h2 id="mine-heading">My deposits</h2>
        <form
          className="row"
          role="search"
          onSubmit={(e) => {
            e.preventDefault();
            void loadList(null);
          }}
        >
          <label className="grow">
            Search titles and digests{' '}
            <input
              type="search"
              data-testid="search-input"
              value={query}
              onChange={(e) => setQuery(e.target.value)}
            />
          </label>
          <button type="submit" data-testid="search-submit">
            Search
          </button>
        </form>
        {listError && (
          <p className="verdict verdict-error" role="alert">
            The deposits could not be listed: {listError}
          </p>
        )}
        <table className="deposits" data-testid="my-deposits">
          <thead>
            <tr>
              <th scope="col">Title</th>
              <th scope="col">Type</th>
              <th scope="col">Deposited</th>
              <th scope="col">Block</th>
              <th scope="col">Links</th>
            </tr>
          </thead>
          <tbody>
            {items.map((d) => (
              <tr key={d.id} data-testid="deposit-row" data-deposit-id={d.id}>
                <td>
                  {d.title}
                  <br />
                  <code className="muted">{d.sha256.slice(0, 16)}…</code>
                </td>
                <td>{d.type}</td>
                <td>{formatUtc(Number(d.timeMs))}</td>
                <td>{d.height}</td>
                <td>
                  <a href={certificateHref(d.id)}>Certificate</a> ·{' '}
                  <a href={courtVerifyHref(d.id)}>Court page</a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {!listLoading && items.length === 0 && !listError && (
          <p className="muted" data-testid="no-deposits">
            No deposits{query.trim() ? ' match this search' : ' yet'}.
          </p>
        )}
        {next && (
          <button type="button" onClick={() => void loadList(next)} disabled={listLoading}>
            More
          </button>
        )}
      </section>
    </>
  );
}

// The court's check, run entirely in the browser: the file is hashed here (never uploaded), and
// the deposit's proof bundle is verified here against the chain's genesis with the trellis-verify
// bundle (/dist/trellis-verify.js, built from libs/verify). What the service says about a deposit is
// only believed where the verified proof says the same.
import { type Deposit, apiBytes, formatUtc, genesisOrganisations } from './evidence-api';

export interface Digests {
  readonly sha256: string;
  readonly sm3: string;
}

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export type VerifyResult =
  | { verified: true; verdict: { [key: string]: Json } }
  | { verified: false; code: string; path: string; reason: string };

interface Hasher {
  update(chunk: Uint8Array): void;
  digest(): Digests;
}

interface VerifierGlobals {
  trellisVerify?: (genesisText: string, bundle: Uint8Array) => VerifyResult;
  trellisHasher?: () => Hasher;
  /** Decodes a proven state value (hex) as JSON: integers as strings, bytes as hex. */
  trellisDecode?: (hex: string) => Json;
}

const SCRIPT = '/dist/trellis-verify.js';
let loading: Promise<Required<VerifierGlobals>> | null = null;

/** Loads the verifier bundle once (a <script>), and resolves to its functions. */
export function loadVerifier(): Promise<Required<VerifierGlobals>> {
  const ready = (): Required<VerifierGlobals> | null => {
    const g = globalThis as VerifierGlobals;
    return g.trellisVerify && g.trellisHasher && g.trellisDecode
      ? {
          trellisVerify: g.trellisVerify,
          trellisHasher: g.trellisHasher,
          trellisDecode: g.trellisDecode,
        }
      : null;
  };
  const now = ready();
  if (now) return Promise.resolve(now);
  loading ??= new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = SCRIPT;
    script.async = true;
    script.onload = () => {
      const loaded = ready();
      if (loaded) resolve(loaded);
      else reject(new Error(`${SCRIPT} loaded but defines no trellisVerify`));
    };
    script.onerror = () => {
      loading = null;
      reject(new Error(`the verifier (${SCRIPT}) could not be loaded`));
    };
    document.head.appendChild(script);
  });
  return loading;
}

const MAIN_THREAD_CHUNK = 4 * 1024 * 1024;

/** The worker itself failed (could not start or load its script), not the reading of the file. */
class WorkerFailure extends Error {}

/**
 * SHA-256 and SM3 of `file`, read in slices in a Web Worker (/hash-worker.js), with progress;
 * on the page's own thread where workers are unavailable.
 */
export async function hashFile(
  file: File,
  onProgress: (done: number, total: number) => void,
): Promise<Digests> {
  if (typeof Worker !== 'undefined') {
    try {
      return await new Promise<Digests>((resolve, reject) => {
        let worker: Worker;
        try {
          worker = new Worker('/hash-worker.js');
        } catch (error) {
          return reject(new WorkerFailure(String(error)));
        }
        worker.onmessage = (event: MessageEvent) => {
          const data = event.data as
            | { kind: 'progress'; done: number; total: number }
            | { kind: 'done'; digests: Digests }
            | { kind: 'error'; message: string };
          if (data.kind === 'progress') onProgress(data.done, data.total);
          else {
            worker.terminate();
            if (data.kind === 'done') resolve(data.digests);
            else reject(new Error(data.message));
          }
        };
        worker.onerror = (event) => {
          worker.terminate();
          reject(new WorkerFailure(event.message || 'the hashing worker failed'));
        };
        worker.postMessage({ file });
      });
    } catch (error) {
      // A worker that could not start (e.g. blocked by policy): hash here instead. A file that
      // cannot be read fails the same way here, so that error is the caller's.
      if (!(error instanceof WorkerFailure)) throw error;
    }
  }
  const { trellisHasher } = await loadVerifier();
  const hasher = trellisHasher();
  for (let offset = 0; offset < file.size; offset += MAIN_THREAD_CHUNK) {
    const end = Math.min(offset + MAIN_THREAD_CHUNK, file.size);
    hasher.update(new Uint8Array(await file.slice(offset, end).arrayBuffer()));
    onProgress(end, file.size);
  }
  return hasher.digest();
}

/** What the person checking brought: a file (both digests), a pasted digest, or nothing. */
export type Evidence =
  | { readonly kind: 'file'; readonly name: string; readonly digests: Digests }
  | { readonly kind: 'digest'; readonly algorithm: 'sha256' | 'sm3'; readonly hex: string }
  | { readonly kind: 'none' };

/** The facts a verified proof established (not the service's word). */
export interface ProvenDeposit {
  readonly txId: string;
  readonly height: string;
  readonly blockHash: string;
  readonly timestampMs: number;
  readonly chainId: string;
  readonly suite: string;
  readonly epoch: string;
  readonly signers: number;
  readonly quorum: number;
  readonly validators: number;
  readonly sha256: string;
  readonly sm3: string;
  readonly depositor: string;
  /** The depositor's name as the genesis names it (the service's name if the genesis has none). */
  readonly depositorName: string;
}

export type Check =
  | {
      readonly state: 'verified';
      readonly deposit: Deposit;
      readonly proven: ProvenDeposit;
      readonly genesisSha256: string;
      readonly sentence: string;
    }
  | { readonly state: 'mismatch'; readonly deposit: Deposit | null; readonly sentence: string }
  | {
      readonly state: 'not-verified';
      readonly deposit: Deposit;
      readonly reason: string;
      readonly genesisSha256: string | null;
    };

const isObject = (v: Json | undefined): v is { [key: string]: Json } =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: Json | undefined): string => (typeof v === 'string' ? v : '');
const num = (v: Json | undefined): number => (typeof v === 'number' ? v : Number.NaN);

/** A refusal for a reason of the page's own (the proof verified, but says something else). */
class Disagreement extends Error {}

/** Reads the verified verdict and checks that it proves `deposit`, field by field. */
function provenDeposit(
  verdict: { [key: string]: Json },
  deposit: Deposit,
  names: ReadonlyMap<string, string>,
): ProvenDeposit {
  if (verdict['kind'] !== 'transaction') {
    throw new Disagreement('the proof is not about a transaction');
  }
  const txId = str(verdict['txId']);
  if (txId !== deposit.id) {
    throw new Disagreement(`the proof is about transaction ${txId}, not deposit ${deposit.id}`);
  }
  const receipt = verdict['receipt'];
  if (!isObject(receipt)) throw new Disagreement('the proof carries no receipt');
  if (receipt['status'] !== 'ok') {
    throw new Disagreement('the deposit transaction failed on chain (its receipt is not ok)');
  }
  const events = Array.isArray(receipt['events']) ? receipt['events'] : [];
  const event = events.find(
    (e): e is { [key: string]: Json } =>
      isObject(e) && e['type'] === 'evidence.deposited' && e['contract'] === 'judicial-evidence',
  );
  const data = event?.['data'];
  if (!isObject(data)) {
    throw new Disagreement('the transaction emitted no judicial-evidence evidence.deposited event');
  }
  const proven = {
    sha256: str(data['sha256']),
    sm3: str(data['sm3']),
    depositor: str(data['depositor']),
  };
  for (const field of ['sha256', 'sm3', 'depositor'] as const) {
    if (proven[field] !== deposit[field]) {
      throw new Disagreement(
        `the chain records ${field} ${proven[field] || '(none)'}, the service says ${deposit[field]}`,
      );
    }
  }
  return {
    txId,
    height: str(verdict['height']),
    blockHash: str(verdict['blockHash']),
    timestampMs: Number(str(verdict['timestampMs'])),
    chainId: str(verdict['chainId']),
    suite: str(verdict['suite']),
    epoch: str(verdict['epoch']),
    signers: num(verdict['signers']),
    quorum: num(verdict['quorum']),
    validators: num(verdict['validators']),
    ...proven,
    depositorName: names.get(proven.depositor) ?? deposit.depositorName,
  };
}

/** The evidence's digest that differs from the deposit's, if any (a file: both must match). */
export function evidenceMismatch(evidence: Evidence, deposit: Deposit): string | null {
  if (evidence.kind === 'none') return null;
  if (evidence.kind === 'digest') {
    const label = evidence.algorithm === 'sha256' ? 'SHA-256' : 'SM3';
    return evidence.hex === deposit[evidence.algorithm]
      ? null
      : `This digest is not the deposited evidence's: ${label} ${evidence.hex}, the deposit records ${deposit[evidence.algorithm]}.`;
  }
  if (evidence.digests.sha256 !== deposit.sha256) {
    return `This file is not the deposited evidence: its SHA-256 is ${evidence.digests.sha256}, the deposit records ${deposit.sha256}.`;
  }
  if (evidence.digests.sm3 !== deposit.sm3) {
    return `This file is not the deposited evidence: its SM3 is ${evidence.digests.sm3}, the deposit records ${deposit.sm3}.`;
  }
  return null;
}

interface Genesis {
  readonly text: string;
  readonly sha256: string;
  /** Organisation names by id, from the genesis the verdict relies on. */
  readonly names: ReadonlyMap<string, string>;
}

let genesisCache: Promise<Genesis> | null = null;

/** The genesis file and the SHA-256 of its bytes, computed here (the court compares it). */
function fetchGenesis(): Promise<Genesis> {
  genesisCache ??= (async () => {
    const [{ bytes }, { trellisHasher }] = await Promise.all([
      apiBytes('/genesis'),
      loadVerifier(),
    ]);
    const hasher = trellisHasher();
    hasher.update(bytes);
    const text = new TextDecoder().decode(bytes);
    let parsed: unknown = null;
    try {
      parsed = JSON.parse(text);
    } catch {
      // the verifier refuses it with its own reason (bad-genesis)
    }
    const names = new Map(genesisOrganisations(parsed).map((o) => [o.id, o.name] as const));
    return { text, sha256: hasher.digest().sha256, names };
  })();
  genesisCache.catch(() => (genesisCache = null));
  return genesisCache;
}

function verifiedSentence(evidence: Evidence, deposit: Deposit, p: ProvenDeposit): string {
  const what =
    evidence.kind === 'file'
      ? 'this exact file was'
      : evidence.kind === 'digest'
        ? `evidence with this ${evidence.algorithm === 'sha256' ? 'SHA-256' : 'SM3'} digest was`
        : `“${deposit.title}” (SHA-256 ${deposit.sha256.slice(0, 16)}…) was`;
  return (
    `Verified: ${what} deposited by ${p.depositorName} (${p.depositor}) on ` +
    `${formatUtc(p.timestampMs)}, block ${p.height}, signed by ${p.signers} of ` +
    `${p.validators} validators (quorum ${p.quorum}).`
  );
}

/**
 * Checks `deposit` for `evidence`: the digests first (a mismatch needs no proof), then the
 * deposit's proof bundle against the genesis, then that the proof says what the service says.
 */
export async function checkDeposit(evidence: Evidence, deposit: Deposit): Promise<Check> {
  const mismatch = evidenceMismatch(evidence, deposit);
  if (mismatch) return { state: 'mismatch', deposit, sentence: mismatch };
  const [{ trellisVerify }, genesis, proof] = await Promise.all([
    loadVerifier(),
    fetchGenesis(),
    apiBytes(`/deposits/${encodeURIComponent(deposit.id)}/proof`),
  ]);
  const result = trellisVerify(genesis.text, proof.bytes);
  if (!result.verified) {
    return {
      state: 'not-verified',
      deposit,
      reason: `${result.reason} (${result.code}${result.path ? ` at ${result.path}` : ''})`,
      genesisSha256: genesis.sha256,
    };
  }
  try {
    const proven = provenDeposit(result.verdict, deposit, genesis.names);
    return {
      state: 'verified',
      deposit,
      proven,
      genesisSha256: genesis.sha256,
      sentence: verifiedSentence(evidence, deposit, proven),
    };
  } catch (error) {
    if (!(error instanceof Disagreement)) throw error;
    return {
      state: 'not-verified',
      deposit,
      reason: error.message,
      genesisSha256: genesis.sha256,
    };
  }
}

'use client';

// The invoice's chain status, checked in this browser: the chain's state proof of the invoice's
// record is verified against the genesis file with the trellis-verify bundle (signatures of a
// quorum of the right epoch's validators, the sparse-Merkle path to the state root), then the
// proven record is decoded and compared with what the service shows. Nothing of the service is
// believed but what the proof says.
import { useState } from 'react';
import { INVOICE_API } from '../../_lib/invoice-api';
import { type Json, loadVerifier } from '../../_lib/verifier';

type Outcome =
  | { state: 'verified'; text: string; genesisSha256: string }
  | { state: 'mismatch' | 'not-verified' | 'error'; text: string };

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

async function fetchOk(path: string): Promise<Response> {
  const res = await fetch(`${INVOICE_API}${path}`, { cache: 'no-store' });
  if (!res.ok) throw new Error(`${path}: the API answered ${res.status}`);
  return res;
}

export function StatusProof(props: {
  readonly number: string;
  readonly status: string;
  readonly frozen: boolean;
}) {
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [busy, setBusy] = useState(false);

  const verify = async () => {
    setBusy(true);
    setOutcome(null);
    try {
      const [{ trellisVerify, trellisDecode }, genesis, bundle] = await Promise.all([
        loadVerifier(),
        fetchOk('/genesis').then((r) => r.text()),
        fetchOk(`/invoices/${props.number}/status-proof`).then(
          async (r) => new Uint8Array(await r.arrayBuffer()),
        ),
      ]);
      const result = trellisVerify(genesis, bundle);
      if (!result.verified) {
        setOutcome({
          state: 'not-verified',
          text: `NOT VERIFIED: ${result.reason} (${result.code} at ${result.path})`,
        });
        return;
      }
      const v = result.verdict;
      const key = new TextEncoder().encode(`invoice/${props.number}`);
      const keyHex = Array.from(key, (b) => b.toString(16).padStart(2, '0')).join('');
      if (v['kind'] !== 'state' || v['contract'] !== 'invoice' || v['key'] !== keyHex) {
        setOutcome({
          state: 'mismatch',
          text: 'The proof is about another record than this invoice.',
        });
        return;
      }
      if (v['value'] === null) {
        setOutcome({ state: 'mismatch', text: `The chain holds no invoice ${props.number}.` });
        return;
      }
      const record = trellisDecode(String(v['value'])) as { [key: string]: Json };
      const status = String(record['status']);
      const frozen = record['frozen'] === true;
      const proven =
        `the chain's state after block ${String(v['asOfHeight'])} says invoice ${props.number} ` +
        `is ${status}${frozen ? ' and frozen' : ''} (gross ${String(record['grossMinor'])} fen), ` +
        `signed by ${String(v['signers'])} of ${String(v['validators'])} validators (quorum ${String(v['quorum'])}).`;
      if (record['number'] !== props.number || status !== props.status || frozen !== props.frozen) {
        setOutcome({
          state: 'mismatch',
          text: `MISMATCH: ${proven} The page shows ${props.status}${props.frozen ? ', frozen' : ''}: reload it.`,
        });
        return;
      }
      setOutcome({
        state: 'verified',
        text: `Verified: ${proven}`,
        genesisSha256: await sha256Hex(genesis),
      });
    } catch (error) {
      setOutcome({ state: 'error', text: `The check could not run: ${String(error)}` });
    } finally {
      setBusy(false);
    }
  };

  return (
    <div data-testid="status-proof">
      <button
        type="button"
        onClick={() => void verify()}
        disabled={busy}
        data-testid="verify-status"
      >
        {busy ? 'Verifying…' : 'Verify the status in this browser'}
      </button>
      {outcome && (
        <p
          className={`verdict ${outcome.state === 'verified' ? 'verdict-ok' : 'verdict-error'}`}
          role="status"
          data-testid="status-verdict"
          data-state={outcome.state}
        >
          {outcome.text}
          {outcome.state === 'verified' && (
            <>
              {' '}
              The check relied on the genesis file with SHA-256{' '}
              <code data-testid="status-genesis">{outcome.genesisSha256}</code>.
            </>
          )}
        </p>
      )}
    </div>
  );
}

/** The verdict in plain language, for people reading `trellis-verify`'s output. */
import {
  type ProofError,
  type ProofVerdict,
  type StateVerdict,
  type TransactionVerdict,
  verdictToJson,
} from '@trellis/chain-core/proofs';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const plural = (n: number | bigint, word: string): string =>
  `${n} ${word}${n === 1 || n === 1n ? '' : 's'}`;

/** Bytes as quoted text when they are printable UTF-8, else as hex. */
function shown(bytes: Uint8Array): string {
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    // eslint-disable-next-line no-control-regex
    if (text.length > 0 && !/[\u0000-\u001f\u007f-\u009f]/.test(text)) return JSON.stringify(text);
  } catch (_notText) {
    // shown as hex below
  }
  return `0x${hex(bytes)}`;
}

/** The block's proposer-stated time, in UTC. */
function time(v: ProofVerdict): string {
  const ms = Number(v.timestampMs);
  return Number.isSafeInteger(ms) && ms <= 8.64e15
    ? new Date(ms).toISOString()
    : `${v.timestampMs} ms`;
}

function certification(v: ProofVerdict): string {
  const changes =
    v.epochChanges === 0
      ? 'the genesis validators'
      : `${plural(v.epochChanges, 'validator-set change')} followed from genesis`;
  return `Certified by ${v.signers} of the ${v.validators} validators of epoch ${v.epoch} (quorum ${v.quorum}; ${changes}).`;
}

function transactionLines(v: TransactionVerdict): string[] {
  const lines = [
    `Transaction ${hex(v.txId)}`,
    `is #${v.index} in committed block ${v.height} (hash ${hex(v.blockHash)}) of ${time(v)}.`,
    certification(v),
  ];
  const { receipt } = v;
  if (receipt === null) {
    lines.push('No receipt was included: this proves inclusion, not the outcome.');
    return lines;
  }
  const outcome =
    receipt.status === 'ok'
      ? `ok, ${plural(receipt.steps, 'step')}, ${plural(receipt.events.length, 'event')}`
      : `FAILED (${receipt.error!.code}: ${receipt.error!.message}), ${plural(receipt.steps, 'step')}`;
  lines.push(
    `Receipt: ${outcome}; committed in block ${receipt.committedAtHeight} by ${receipt.signers} signers (quorum ${receipt.quorum}).`,
  );
  const events = verdictToJson(v)['receipt'] as { events: { data: unknown }[] };
  receipt.events.forEach((event, i) => {
    lines.push(`  event ${event.contract} ${event.type} ${JSON.stringify(events.events[i]!.data)}`);
  });
  return lines;
}

function stateLines(v: StateVerdict): string[] {
  const what =
    v.value === null
      ? 'is absent'
      : `= ${shown(v.value)} (${plural(v.value.length, 'byte')}${v.value.length > 0 ? `, hex ${hex(v.value)}` : ''})`;
  return [
    `In contract ${v.contract}, key ${shown(v.key)} ${what}`,
    `in the state after committed block ${v.asOfHeight} (hash ${hex(v.blockHash)}) of ${time(v)}.`,
    certification(v),
  ];
}

/** "VERIFIED …" and what the bundle proves, one fact per line. */
export function describeVerdict(v: ProofVerdict): string {
  const head = `VERIFIED: ${v.kind} proof of chain ${v.chainId} (${v.suite}).`;
  const body = v.kind === 'transaction' ? transactionLines(v) : stateLines(v);
  return `${[head, ...body.map((line) => (line.startsWith('  ') ? line : `  ${line}`))].join('\n')}\n`;
}

/** "REJECTED (code): part: reason". */
export function describeRefusal(error: ProofError): string {
  return `REJECTED (${error.code}): ${error.message}\n`;
}

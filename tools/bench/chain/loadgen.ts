/**
 * One load-generator process of `npm run bench` (tools/bench/chain.ts starts several).
 *
 * argv[2] is a JSON {@link LoadSpec}. It signs every transaction first ("200-byte notarise a
 * hash": a fresh random digest each), prints `ready`, waits for `go` on stdin, then sends:
 * - `open`: at a fixed rate, without waiting (`POST /v1/transactions`), round-robin over the
 *   nodes; commits are seen on one node's event stream (the block message's arrival);
 * - `closed`: `clients` loops, each sending one transaction and waiting for its commit
 *   (`?wait=commit`).
 * At the end it prints one JSON line: counts, refusals by code (a request without an answer
 * counts under its error's name and cause code), and per committed transaction its send and
 * commit times (ms since `go`).
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { getSuite, toHex } from '@trellis/chain-core';
import { loadGenesis, loadPem, loadSecretKey } from '@trellis/node';
import { memberKey, signTransaction } from '@trellis/shared/chain';
import WebSocket from 'ws';

export interface LoadSpec {
  readonly genesis: string;
  /** The organisation's folder (service.pem, service.key). */
  readonly orgDir: string;
  readonly nodes: readonly string[];
  /** `etcd`: closed loop of 256-byte puts to an etcd cluster (`nodes` are its members). */
  readonly mode: 'open' | 'closed' | 'etcd';
  /** open: transactions per second from this generator. */
  readonly rate?: number;
  /** closed: concurrent clients in this generator. */
  readonly clients?: number;
  readonly durationMs: number;
  /** How many to sign beforehand (open: rate × duration; closed: an upper bound). */
  readonly count: number;
  /** After the send window, how long to wait for the last commits. */
  readonly drainMs: number;
}

export interface LoadResult {
  readonly sent: number;
  readonly accepted: number;
  readonly refused: Record<string, number>;
  /** [sent at, committed at], ms since `go`. */
  readonly commits: [number, number][];
  readonly txBytes: number;
}

/** The peer: `clients` loops, each one 256-byte put at a time through etcd's JSON gateway. */
async function etcd(spec: LoadSpec): Promise<void> {
  const value = Buffer.from(randomBytes(256)).toString('base64');
  const refused: Record<string, number> = {};
  const commits: [number, number][] = [];
  let sent = 0;
  let accepted = 0;
  process.stdout.write('ready\n');
  await go();
  const t0 = performance.now();
  const now = () => performance.now() - t0;
  let next = 0;
  const tag = randomBytes(4).toString('hex');
  await Promise.all(
    Array.from({ length: spec.clients! }, async () => {
      while (now() < spec.durationMs) {
        const i = next++;
        const node = spec.nodes[i % spec.nodes.length]!;
        const key = Buffer.from(`bench/${tag}/${i}`).toString('base64');
        const at = now();
        sent++;
        try {
          const response = await fetch(`${node}/v3/kv/put`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ key, value }),
          });
          await response.text();
          if (response.status === 200) {
            accepted++;
            commits.push([at, now()]);
          } else refused[String(response.status)] = (refused[String(response.status)] ?? 0) + 1;
        } catch (error) {
          const code = failureCode(error);
          refused[code] = (refused[code] ?? 0) + 1;
        }
      }
    }),
  );
  finish({ sent, accepted, refused, commits, txBytes: 256 });
}

/**
 * A request that got no answer, by kind: fetch's own error is a bare `TypeError: fetch failed`,
 * so its cause's code (`ECONNRESET`, `UND_ERR_SOCKET`, …) is added when there is one.
 */
function failureCode(error: unknown): string {
  const name = error instanceof Error ? error.name : 'Error';
  const cause = (error as { cause?: { code?: unknown } } | undefined)?.cause?.code;
  return typeof cause === 'string' ? `${name} ${cause}` : name;
}

/** Prints the result line and exits once it is flushed (a pipe write is asynchronous). */
function finish(result: LoadResult): void {
  process.stdout.write(`${JSON.stringify(result)}\n`, () => process.exit(0));
}

/** Resolves at the parent's `go` line. */
function go(): Promise<void> {
  return new Promise<void>((resolve) => {
    const lines = createInterface({ input: process.stdin });
    lines.on('line', (line) => {
      if (line.trim() === 'go') resolve();
    });
  });
}

async function main(): Promise<void> {
  const spec = JSON.parse(process.argv[2]!) as LoadSpec;
  if (spec.mode === 'etcd') return etcd(spec);
  const genesis = await loadGenesis(spec.genesis);
  const suite = getSuite(genesis.suite, 'fast');
  const key = await memberKey(
    loadPem(join(spec.orgDir, 'service.pem')),
    loadSecretKey(join(spec.orgDir, 'service.key'), suite).secretKey,
    genesis.organisations.map((o) => o.organisation),
  );
  // Valid for 50,000 blocks from now (the node refuses more than its maximum TTL ahead).
  const head = (await (await fetch(`${spec.nodes[0]}/v1/status`)).json()) as { height: string };
  const expiryHeight = BigInt(head.height) + 50_000n;
  const txs = Array.from({ length: spec.count }, () => {
    const signed = signTransaction(suite, key, {
      chainId: genesis.chainId,
      contract: 'judicial-evidence',
      method: 'notarise',
      args: { digest: new Uint8Array(randomBytes(32)) },
      expiryHeight,
    });
    return { bytes: signed.bytes, id: toHex(signed.id) };
  });
  const txBytes = txs.reduce((sum, t) => sum + t.bytes.length, 0) / Math.max(1, txs.length);

  const sentAt = new Map<string, number>();
  const commits: [number, number][] = [];
  const refused: Record<string, number> = {};
  let sent = 0;
  let accepted = 0;
  let t0 = 0;
  const now = () => performance.now() - t0;

  // The event stream of the first node: a transaction's commit is its block's arrival.
  let stream: WebSocket | undefined;
  if (spec.mode === 'open') {
    const status = (await (await fetch(`${spec.nodes[0]}/v1/status`)).json()) as { height: string };
    const url = `${spec.nodes[0]!.replace(/^http/, 'ws')}/v1/events?fromHeight=${BigInt(status.height) + 1n}&contract=judicial-evidence`;
    stream = new WebSocket(url);
    stream.on('message', (data: Buffer) => {
      const message = JSON.parse(data.toString()) as { events?: { txId: string }[] };
      const at = now();
      for (const event of message.events ?? []) {
        const at0 = sentAt.get(event.txId);
        if (at0 !== undefined) {
          commits.push([at0, at]);
          sentAt.delete(event.txId);
        }
      }
    });
    await new Promise((resolve, reject) => stream!.once('open', resolve).once('error', reject));
  }

  process.stdout.write('ready\n');
  await go();
  t0 = performance.now();

  const post = async (index: number, wait: boolean) => {
    const tx = txs[index]!;
    const node = spec.nodes[index % spec.nodes.length]!;
    const at = now();
    sent++;
    if (!wait) sentAt.set(tx.id, at);
    try {
      const response = await fetch(
        `${node}/v1/transactions${wait ? '?wait=commit&timeoutMs=60000' : ''}`,
        { method: 'POST', headers: { 'content-type': 'application/cbor' }, body: tx.bytes },
      );
      const body = (await response.json()) as { code?: string };
      if (response.status === 200 || response.status === 202) {
        accepted++;
        if (wait) commits.push([at, now()]);
      } else {
        sentAt.delete(tx.id);
        refused[body.code ?? String(response.status)] =
          (refused[body.code ?? String(response.status)] ?? 0) + 1;
      }
    } catch (error) {
      sentAt.delete(tx.id);
      const code = failureCode(error);
      refused[code] = (refused[code] ?? 0) + 1;
    }
  };

  const inFlight = new Set<Promise<void>>();
  if (spec.mode === 'open') {
    const interval = 1000 / spec.rate!;
    for (let i = 0; i < txs.length && now() < spec.durationMs; i++) {
      const due = i * interval;
      const wait = due - now();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      const p = post(i, false).finally(() => inFlight.delete(p));
      inFlight.add(p);
    }
  } else {
    let next = 0;
    await Promise.all(
      Array.from({ length: spec.clients! }, async () => {
        while (now() < spec.durationMs && next < txs.length) await post(next++, true);
      }),
    );
  }
  await Promise.all(inFlight);
  const drainUntil = now() + spec.drainMs;
  while (sentAt.size > 0 && now() < drainUntil) await new Promise((r) => setTimeout(r, 50));
  stream?.close();
  finish({ sent, accepted, refused, commits, txBytes });
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});

/**
 * A local consortium of real node processes for tests: `initConsortium` in a temporary
 * directory, one `trellis-node start` process per validator, and helpers to sign and submit
 * transactions through the nodes' HTTP API.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CborValue, type SignatureSuite, getSuite } from '@trellis/chain-core';
import { reservePortBlocks } from '@trellis/shared/testing';
import {
  DEFAULT_CONSORTIUM,
  type Genesis,
  initConsortium,
  loadPem,
  loadSecretKey,
} from '../../src/consortium';
import { type MemberKey, memberKey, signTransaction } from '../../src/client/transactions';

const MAIN = join(__dirname, '..', '..', 'src', 'main.ts');

export interface ClusterNode {
  readonly name: string;
  readonly org: string;
  readonly config: string;
  readonly api: string;
  process: ChildProcess | undefined;
}

export class Cluster {
  readonly nodes: ClusterNode[];
  /** Non-voting nodes (created with `observers`). */
  readonly observers: ClusterNode[] = [];
  readonly suite: SignatureSuite;

  private constructor(
    readonly dir: string,
    readonly genesis: Genesis,
    apiBasePort: number,
  ) {
    this.suite = getSuite(genesis.suite, 'fast');
    this.nodes = genesis.validators.map((v, i) => ({
      name: v.name,
      org: v.org,
      config: join(dir, 'nodes', v.name, 'config.json'),
      api: `http://127.0.0.1:${apiBasePort + 1 + i}`,
      process: undefined,
    }));
  }

  /** A fresh consortium of the four default organisations on free-looking ports. */
  static async create(
    options: { observers?: readonly string[]; orgs?: readonly { id: string; name: string }[] } = {},
  ): Promise<Cluster> {
    const dir = mkdtempSync(join(tmpdir(), 'trellis-cluster-'));
    const base = await freeBasePort();
    const result = await initConsortium({
      dir: join(dir, 'consortium'),
      chainId: DEFAULT_CONSORTIUM.chainId,
      orgs: options.orgs ?? DEFAULT_CONSORTIUM.orgs,
      basePort: base,
      apiBasePort: base + 50,
      ...(options.observers ? { observers: options.observers } : {}),
    });
    const cluster = new Cluster(join(dir, 'consortium'), result.genesis, base + 50);
    for (const node of result.nodes.filter((n) => n.role === 'observer')) {
      cluster.observers.push({
        name: node.name,
        org: node.org,
        config: node.configFile,
        api: `http://${node.api}`,
        process: undefined,
      });
    }
    return cluster;
  }

  /**
   * Starts a node's process; `launch.wrapper` runs it under another program (e.g. `faketime`,
   * `fiu-run -x`), `launch.env` adds variables.
   */
  start(
    node: ClusterNode,
    launch: { wrapper?: readonly string[]; env?: Record<string, string> } = {},
  ): void {
    const log = createWriteStream(join(this.dir, `${node.name}.log`), { flags: 'a' });
    const args = ['--require', '@swc-node/register', MAIN, 'start', '--config', node.config];
    const [command, ...rest] = [...(launch.wrapper ?? []), process.execPath, ...args];
    const child = spawn(command!, rest, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NODE_ENV: 'test', ...launch.env },
    });
    child.stdout.pipe(log);
    child.stderr.pipe(log);
    node.process = child;
  }

  startAll(): void {
    for (const node of this.nodes) this.start(node);
  }

  kill(node: ClusterNode, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = node.process;
    node.process = undefined;
    if (!child || child.exitCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      child.once('exit', () => resolve());
      child.kill(signal);
    });
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.nodes, ...this.observers].map((n) => this.kill(n, 'SIGTERM')));
  }

  async status(node: ClusterNode): Promise<Record<string, unknown> | undefined> {
    try {
      const response = await fetch(`${node.api}/v1/status`, { signal: AbortSignal.timeout(2000) });
      return (await response.json()) as Record<string, unknown>;
    } catch {
      return undefined;
    }
  }

  async height(node: ClusterNode): Promise<bigint> {
    const status = await this.status(node);
    return status ? BigInt(status['height'] as string) : -1n;
  }

  /** Waits until every given node has committed at least `height`. */
  async waitForHeight(height: bigint, nodes = this.nodes, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const heights = await Promise.all(nodes.map((n) => this.height(n)));
      if (heights.every((h) => h >= height)) return;
      if (Date.now() > deadline) {
        throw new Error(`heights ${heights.join(', ')} did not reach ${height} in ${timeoutMs} ms`);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  async block(
    node: ClusterNode,
    height: bigint,
  ): Promise<{ hash: string; result: { stateRoot: string } }> {
    const response = await fetch(`${node.api}/v1/blocks/${height}`);
    if (!response.ok) throw new Error(`${node.name}: block ${height}: ${response.status}`);
    return (await response.json()) as { hash: string; result: { stateRoot: string } };
  }

  /** The signing key of an organisation's service (or admin) certificate. */
  async member(org: string, who: 'service' | 'admin' = 'service'): Promise<MemberKey> {
    return memberKey(
      loadPem(join(this.dir, 'orgs', org, `${who}.pem`)),
      loadSecretKey(join(this.dir, 'orgs', org, `${who}.key`), this.suite).secretKey,
      this.genesis.organisations.map((o) => o.organisation),
    );
  }

  sign(
    key: MemberKey,
    contract: string,
    method: string,
    args: CborValue,
    expiryHeight = 50_000n,
  ): { bytes: Uint8Array; id: Uint8Array } {
    return signTransaction(this.suite, key, {
      chainId: this.genesis.chainId,
      contract,
      method,
      args,
      expiryHeight,
    });
  }

  async submit(
    node: ClusterNode,
    bytes: Uint8Array,
    wait = false,
  ): Promise<{ status: number; body: Record<string, unknown> }> {
    const response = await fetch(`${node.api}/v1/transactions${wait ? '?wait=commit' : ''}`, {
      method: 'POST',
      headers: { 'content-type': 'application/cbor' },
      body: bytes,
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  async transaction(node: ClusterNode, id: string): Promise<Record<string, unknown>> {
    return (await (await fetch(`${node.api}/v1/transactions/${id}`)).json()) as Record<
      string,
      unknown
    >;
  }
}

/**
 * A base port such that base + each offset is free now (default: a cluster's P2P and API
 * ports), reserved for this test process (`reservePortBlocks`: parallel test files never get
 * the same range; it is released when the process exits).
 */
export async function freeBasePort(
  offsets: readonly number[] = [...Array(20).keys()].flatMap((i) => [1 + i, 51 + i]),
): Promise<number> {
  const blocks = Math.floor(Math.max(...offsets) / 100) + 1;
  return (await reservePortBlocks(blocks, offsets)).base;
}

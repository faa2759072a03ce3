/**
 * `trellis-node start --config <file>`: runs a validator or observer until SIGTERM/SIGINT.
 * Logs are JSON lines (pino) on stdout.
 */
import { ChainNode, type Log, startNodeHttp } from '@trellis/chain-core';
import pino from 'pino';
import { CONTRACTS } from '../contracts';
import { loadGenesis, loadNodeConfig, loadPem, loadSecretKey } from '../consortium';
import { toNodeGenesis } from './node-genesis';

export interface RunningNode {
  readonly node: ChainNode;
  readonly apiPort: number;
  stop(): Promise<void>;
}

export async function startDaemon(configPath: string): Promise<RunningNode> {
  const config = loadNodeConfig(configPath);
  const logger = pino({ level: config.logLevel, base: { node: config.name } });
  const log: Log = (level, msg, fields) => logger[level](fields ?? {}, msg);
  const genesis = await loadGenesis(config.genesis);
  const entry =
    genesis.validators.find((v) => v.name === config.name) ??
    genesis.observers.find((o) => o.name === config.name);
  const org = entry?.org ?? (config.name.replace(/-(node|observer)(-\d+)?$/, '') || config.name);
  const consensusSecretKey =
    config.role === 'validator' && config.consensusKey
      ? loadSecretKey(config.consensusKey, genesis.suite).secretKey
      : undefined;
  const node = await ChainNode.open({
    name: config.name,
    org,
    role: config.role,
    genesis: toNodeGenesis(genesis),
    dataDir: config.dataDir,
    ...(consensusSecretKey ? { consensusSecretKey } : {}),
    listen: { host: config.listen.host, port: config.listen.port },
    tls: { key: loadPem(config.tls.key), certificate: loadPem(config.tls.certificate) },
    contracts: [...CONTRACTS.values()],
    dialAddresses: config.dialAddresses,
    // Fail-stop on a failed storage write: exit so a supervisor restarts the node from disk.
    onFatal: () => process.exit(70),
    ...byzantineMode(log),
    log,
  });
  const http = await startNodeHttp(node, { host: config.api.host, port: config.api.port });
  await node.start();
  log('info', 'node started', {
    role: config.role,
    p2p: config.listen.text,
    api: `${config.api.host}:${http.port}`,
    height: String(node.height),
  });
  return {
    node,
    apiPort: http.port,
    stop: async () => {
      await http.close();
      await node.stop();
    },
  };
}

/**
 * `TRELLIS_FAULT_BYZANTINE=bad-signatures|equivocate`: the fault suite's Byzantine validator
 * (docs/spec/node.md §7). Loud in the log; refused with any other value.
 */
function byzantineMode(log: Log): { byzantine?: 'bad-signatures' | 'equivocate' } {
  const mode = process.env['TRELLIS_FAULT_BYZANTINE'];
  if (mode === undefined || mode === '') return {};
  if (mode !== 'bad-signatures' && mode !== 'equivocate') {
    throw new Error(`TRELLIS_FAULT_BYZANTINE: expected bad-signatures or equivocate, got ${mode}`);
  }
  log('warn', 'BYZANTINE FAULT MODE: this validator misbehaves on purpose (fault tests only)', {
    mode,
  });
  return { byzantine: mode };
}

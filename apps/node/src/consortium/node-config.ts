/**
 * A node's configuration file, `config.json` (format `trellis-node/v1`): who the node is, where
 * its genesis, data, TLS identity and consensus key are, where it listens. Paths in the file are
 * relative to the file, so a consortium directory can be moved or copied whole.
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import type { AppConfig } from '@trellis/shared';
import { z } from 'zod';
import { type HostPort, parseHostPort } from './address';
import { ConsortiumError, consortiumError, messageOf } from './consortium-error';
import { checkShape, NAME_PATTERN } from './genesis-schema';

export const NODE_CONFIG_FORMAT = 'trellis-node/v1';

/** A validator votes (and needs a consensus key); an observer follows the chain. */
export const NODE_ROLES = ['validator', 'observer'] as const;
export type NodeRole = (typeof NODE_ROLES)[number];

/** pino's levels, the same set as the services' LOG_LEVEL. */
export const LOG_LEVELS = [
  'fatal',
  'error',
  'warn',
  'info',
  'debug',
  'trace',
  'silent',
] as const satisfies readonly AppConfig['LOG_LEVEL'][];
export type LogLevel = (typeof LOG_LEVELS)[number];

const filePath = z
  .string()
  .min(1, 'must be a non-empty path')
  .refine((path) => !path.includes('\0'), 'must not contain NUL');

const address = z.string().superRefine((text, context) => {
  // Port 0 (any free port) is allowed here: a test node may listen anywhere; genesis may not.
  const parsed = parseHostPort(text, true);
  if (!parsed.ok) context.addIssue({ code: 'custom', message: parsed.reason });
});

const nodeConfigSchema = z
  .strictObject({
    format: z.literal(NODE_CONFIG_FORMAT),
    name: z.string().regex(NAME_PATTERN, `must be a node name matching ${NAME_PATTERN}`),
    role: z.enum(NODE_ROLES),
    genesis: filePath,
    dataDir: filePath,
    listen: address,
    api: address,
    tls: z.strictObject({ certificate: filePath, key: filePath }),
    consensusKey: filePath.optional(),
    logLevel: z.enum(LOG_LEVELS).default('info'),
    /** Where to dial peer validators (by name) instead of their registered address. */
    dialAddresses: z
      .record(
        z.string().regex(NAME_PATTERN, `must be a node name matching ${NAME_PATTERN}`),
        address,
      )
      .optional(),
  })
  .superRefine((config, context) => {
    if (config.role === 'validator' && config.consensusKey === undefined) {
      context.addIssue({
        code: 'custom',
        path: ['consensusKey'],
        message: 'is missing (a validator signs votes with it)',
      });
    }
    if (config.role === 'observer' && config.consensusKey !== undefined) {
      context.addIssue({
        code: 'custom',
        path: ['consensusKey'],
        message: 'must be absent for an observer (observers do not vote)',
      });
    }
  });

/** config.json as written, before paths are resolved. */
export type NodeConfigDocument = z.input<typeof nodeConfigSchema>;

/** A checked node configuration; every path absolute. */
export interface NodeConfig {
  /** The config file itself, absolute. */
  readonly file: string;
  readonly name: string;
  readonly role: NodeRole;
  readonly genesis: string;
  readonly dataDir: string;
  /** Peer-to-peer (mutual TLS) listening address. */
  readonly listen: HostPort;
  /** The node's API listening address. */
  readonly api: HostPort;
  readonly tls: { readonly certificate: string; readonly key: string };
  /** Validators only: the suite secret key file (PKCS#8 PEM). */
  readonly consensusKey: string | undefined;
  readonly logLevel: LogLevel;
  /**
   * Peer validators to dial at another address than the one registered on chain (by node
   * name): a validator behind NAT or on a private network, or a test's fault proxy.
   */
  readonly dialAddresses: ReadonlyMap<string, HostPort>;
}

/**
 * Reads and checks a node's config.json. Does not open the files it names: the daemon does, and
 * reports each by its field.
 * @throws ConsortiumError `invalid-config` (issues name the fields) or `unreadable-file`, with
 * the file's absolute path.
 */
export function loadNodeConfig(path: string): NodeConfig {
  if (typeof path !== 'string' || path === '') {
    throw consortiumError('invalid-argument', 'path', 'expected the path of config.json');
  }
  const file = resolve(path);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    const code = error instanceof SyntaxError ? 'invalid-config' : 'unreadable-file';
    throw consortiumError(code, '$', messageOf(error), file);
  }
  const shape = checkShape(nodeConfigSchema, json);
  if (!shape.ok) throw new ConsortiumError('invalid-config', shape.issues, file);
  const config = shape.value;
  const base = dirname(file);
  const absolute = (p: string) => (isAbsolute(p) ? p : resolve(base, p));
  const hostPort = (field: string, text: string): HostPort => {
    const parsed = parseHostPort(text, true);
    if (!parsed.ok) throw consortiumError('invalid-config', field, parsed.reason, file);
    return parsed.value;
  };
  return Object.freeze({
    file,
    name: config.name,
    role: config.role,
    genesis: absolute(config.genesis),
    dataDir: absolute(config.dataDir),
    listen: hostPort('listen', config.listen),
    api: hostPort('api', config.api),
    tls: Object.freeze({
      certificate: absolute(config.tls.certificate),
      key: absolute(config.tls.key),
    }),
    consensusKey: config.consensusKey === undefined ? undefined : absolute(config.consensusKey),
    logLevel: config.logLevel,
    dialAddresses: new Map(
      Object.entries(config.dialAddresses ?? {}).map(([name, text]) => [
        name,
        hostPort(`dialAddresses.${name}`, text),
      ]),
    ),
  });
}

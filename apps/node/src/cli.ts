import { parseArgs } from 'node:util';
import { CONTRACTS } from './contracts';
import { DEFAULT_CONSORTIUM, initConsortium, issueCertificate } from './consortium';
import { startDaemon } from './daemon/daemon';
import { governanceCommand, revokeCommand, statusCommand } from './operator-commands';

const USAGE = `usage: trellis-node <command> [options]

commands:
  init [--dir .trellis/consortium] [--force] [--observer <org>] [--base-port 7100] [--api-base-port 7200]
                              generate a local consortium: 4 organisations with CAs, admin, service
                              and node certificates, consensus keys, genesis and node configs
  start --config <file>       run a validator or observer node
  status [--api <url>]        print a node's status (default http://127.0.0.1:7201)
  cert issue --dir <consortium> --org <id> --kind user|service|node --name <cn> --roles a,b --out <path>
                              issue a member certificate from an organisation's CA
  cert revoke --dir <consortium> --org <id> --serial <hex> [--api <url>]
                              the organisation's admin revokes one of its certificates on chain
  governance propose --dir <consortium> --org <id> --action <json> [--api <url>]
  governance approve --dir <consortium> --org <id> --proposal <id> [--api <url>]
                              multi-signature membership changes (a quorum of organisation admins)
  contracts                   list the contracts this node executes (name and version)
`;

type Out = (text: string) => void;

/**
 * The node's command line.
 * @returns the process exit status (a promise for commands that do I/O).
 */
export function runCli(args: readonly string[], out: Out, err: Out): number | Promise<number> {
  const [command, ...rest] = args;
  if (command === undefined || command === 'help' || command === '--help') {
    out(USAGE);
    return command === undefined ? 2 : 0;
  }
  if (command === 'contracts' && rest.length === 0) {
    for (const contract of CONTRACTS.values()) out(`${contract.name}\t${contract.version}\n`);
    return 0;
  }
  const run =
    COMMANDS[command === 'cert' || command === 'governance' ? `${command} ${rest[0]}` : command];
  if (run === undefined) {
    err(`trellis-node: unknown command or arguments: ${args.join(' ')}\n\n${USAGE}`);
    return 2;
  }
  const options = command === 'cert' || command === 'governance' ? rest.slice(1) : rest;
  return run(options, out).catch((error: unknown) => {
    err(`trellis-node ${command}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  });
}

const COMMANDS: Record<string, (args: readonly string[], out: Out) => Promise<number>> = {
  init: async (args, out) => {
    const { values } = parseArgs({
      args: [...args],
      options: {
        dir: { type: 'string', default: '.trellis/consortium' },
        force: { type: 'boolean', default: false },
        observer: { type: 'string', multiple: true },
        'base-port': { type: 'string', default: String(DEFAULT_CONSORTIUM.basePort) },
        'api-base-port': { type: 'string', default: String(DEFAULT_CONSORTIUM.apiBasePort) },
      },
    });
    await initConsortium({
      dir: values.dir,
      chainId: DEFAULT_CONSORTIUM.chainId,
      orgs: DEFAULT_CONSORTIUM.orgs,
      basePort: Number(values['base-port']),
      apiBasePort: Number(values['api-base-port']),
      force: values.force,
      ...(values.observer ? { observers: values.observer } : {}),
    });
    out(`consortium written to ${values.dir}\n`);
    return 0;
  },
  start: async (args, out) => {
    const { values } = parseArgs({ args: [...args], options: { config: { type: 'string' } } });
    if (!values.config) throw new Error('--config <file> is required');
    const running = await startDaemon(values.config);
    out(`node running; api on port ${running.apiPort}\n`);
    await new Promise<void>((resolve) => {
      const stop = () => {
        running.stop().then(resolve, resolve);
      };
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
    });
    return 0;
  },
  status: (args, out) => statusCommand(args, out),
  'cert issue': async (args, out) => {
    const { values } = parseArgs({
      args: [...args],
      options: {
        dir: { type: 'string', default: '.trellis/consortium' },
        org: { type: 'string' },
        kind: { type: 'string' },
        name: { type: 'string' },
        roles: { type: 'string' },
        out: { type: 'string' },
        days: { type: 'string', default: '365' },
      },
    });
    const issued = await issueCertificate({
      dir: values.dir,
      org: values.org ?? '',
      kind: (values.kind ?? '') as 'user',
      name: values.name ?? '',
      roles: (values.roles ?? '').split(',').filter(Boolean),
      out: values.out ?? '',
      validityDays: Number(values.days),
    });
    out(
      `${JSON.stringify(issued, (_, v: unknown) => (v instanceof Uint8Array ? undefined : v))}\n`,
    );
    return 0;
  },
  'cert revoke': (args, out) => revokeCommand(args, out),
  'governance propose': (args, out) => governanceCommand('propose', args, out),
  'governance approve': (args, out) => governanceCommand('approve', args, out),
};

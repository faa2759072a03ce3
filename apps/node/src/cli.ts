import { CONTRACTS } from './contracts';

const USAGE = `usage: trellis-node <command>

commands:
  contracts   list the contracts this node executes (name and version)
`;

/**
 * The node's command line. The validator daemon and the operator commands (keys, certificates,
 * genesis) come with the node issue; what exists today is listed in USAGE.
 * @returns the process exit status.
 */
export function runCli(
  args: readonly string[],
  out: (text: string) => void,
  err: (text: string) => void,
): number {
  const [command, ...rest] = args;
  if (command === undefined || command === 'help' || command === '--help') {
    out(USAGE);
    return command === undefined ? 2 : 0;
  }
  if (command === 'contracts' && rest.length === 0) {
    for (const contract of CONTRACTS.values()) out(`${contract.name}\t${contract.version}\n`);
    return 0;
  }
  err(`trellis-node: unknown command or arguments: ${args.join(' ')}\n\n${USAGE}`);
  return 2;
}

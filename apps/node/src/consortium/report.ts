/**
 * What the CLI prints after `init` and `cert issue`: plain text for an operator, one fact per
 * line, with the paths they need next (the CLI writes it; these functions only format).
 */
import type { InitConsortiumResult } from './init-consortium';
import type { IssuedCertificate } from './issue-certificate';

/** The consortium `init` wrote: chain, genesis hash, and each node with its ports and config. */
export function describeInit(result: InitConsortiumResult): string {
  const { genesis } = result;
  const lines = [
    `consortium written to ${result.dir}`,
    `chain ${genesis.chainId} (${genesis.suite}), genesis ${result.genesisFile}`,
    `genesis hash ${result.genesisHash}`,
    `organisations: ${genesis.organisations.map((o) => `${o.id} (${o.name})`).join(', ')}`,
    ...result.nodes.map(
      (node) =>
        `${node.role.padEnd(9)} ${node.name.padEnd(24)} p2p ${node.listen.padEnd(16)} api ${node.api.padEnd(16)} ${node.configFile}`,
    ),
  ];
  return `${lines.join('\n')}\n`;
}

/** The certificate `cert issue` wrote: who it names, its serial, validity and files. */
export function describeIssued(issued: IssuedCertificate): string {
  const { member } = issued;
  const lines = [
    `${member.kind} ${member.name} of ${member.orgId}, roles ${member.roles.join(', ')}`,
    `serial ${member.serialHex}, ${member.publicKeyAlgorithm} key`,
    `valid ${member.notBefore.toISOString()} .. ${member.notAfter.toISOString()}`,
    `certificate ${issued.certificateFile}`,
    `private key ${issued.keyFile} (0600)`,
  ];
  return `${lines.join('\n')}\n`;
}

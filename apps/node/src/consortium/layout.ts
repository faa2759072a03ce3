/**
 * Where things are in a consortium directory (`trellis-node init` writes it, the daemon and
 * `cert issue` read it):
 *
 *   genesis.json
 *   orgs/<org>/ca.pem ca.key admin.pem admin.key service.pem service.key
 *              tsa.pem tsa.key documents.pem documents.key   (signing-certificates.ts)
 *   nodes/<org>-node/ node.pem node.key consensus.key config.json data/
 *   nodes/<org>-observer/ node.pem node.key config.json data/
 */
import { join } from 'node:path';
import type { CertificateKeyAlgorithm, MemberKind } from '@trellis/chain-core';

export const GENESIS_FILE = 'genesis.json';
export const CONFIG_FILE = 'config.json';

export function orgDir(dir: string, orgId: string): string {
  return join(dir, 'orgs', orgId);
}

export function nodeDir(dir: string, nodeName: string): string {
  return join(dir, 'nodes', nodeName);
}

/** The key algorithm of a member's certificate: Ed25519 to sign transactions, P-256 for TLS. */
export const MEMBER_KEY_ALGORITHM: Readonly<Record<MemberKind, CertificateKeyAlgorithm>> =
  Object.freeze({ user: 'ed25519', service: 'ed25519', node: 'ecdsa-p256' });

/** Subject alternative names of a node certificate made for the local machine. */
export const LOCAL_NODE_NAMES = Object.freeze({
  dnsNames: Object.freeze(['localhost']),
  ipAddresses: Object.freeze(['127.0.0.1']),
});

/** How far back certificate validity starts, so a clock a little behind still accepts them. */
export const CLOCK_SKEW_MS = 60 * 60 * 1000;

export const DAY_MS = 24 * 60 * 60 * 1000;

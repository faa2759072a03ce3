/**
 * Operator commands that talk to a running node: `status`, `cert revoke`, `governance
 * propose|approve`. Governance transactions are signed with the organisation admin's key from
 * the consortium directory (`orgs/<org>/admin.pem`, `admin.key`).
 */
import { type CborValue, fromHex, getSuite } from '@trellis/chain-core';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { GENESIS_FILE, loadGenesis, loadPem, loadSecretKey } from './consortium';
import { decodePem } from './consortium/pem';
import { memberKey, signTransaction } from './client/transactions';

type Out = (text: string) => void;
const DEFAULT_API = 'http://127.0.0.1:7201';

export async function statusCommand(args: readonly string[], out: Out): Promise<number> {
  const { values } = parseArgs({
    args: [...args],
    options: { api: { type: 'string', default: DEFAULT_API } },
  });
  const response = await fetch(`${values.api}/v1/status`);
  out(`${JSON.stringify(await response.json(), null, 2)}\n`);
  return response.ok ? 0 : 1;
}

/** Signs `method(args)` of the system contract as `org`'s admin and waits for its commit. */
export async function submitAsAdmin(
  dir: string,
  org: string,
  api: string,
  method: string,
  args: CborValue,
): Promise<Record<string, unknown>> {
  const genesis = await loadGenesis(join(dir, GENESIS_FILE));
  const suite = getSuite(genesis.suite, 'fast');
  const key = await memberKey(
    loadPem(join(dir, 'orgs', org, 'admin.pem')),
    loadSecretKey(join(dir, 'orgs', org, 'admin.key'), suite).secretKey,
    genesis.organisations.map((o) => o.organisation),
  );
  const status = (await (await fetch(`${api}/v1/status`)).json()) as { height: string };
  const { bytes } = signTransaction(suite, key, {
    chainId: genesis.chainId,
    contract: 'system',
    method,
    args,
    expiryHeight: BigInt(status.height) + 1000n,
  });
  const response = await fetch(`${api}/v1/transactions?wait=commit`, {
    method: 'POST',
    headers: { 'content-type': 'application/cbor' },
    body: bytes,
  });
  const body = (await response.json()) as Record<string, unknown>;
  if (!response.ok) throw new Error(`${String(body['code'])}: ${String(body['detail'])}`);
  return body;
}

export async function revokeCommand(args: readonly string[], out: Out): Promise<number> {
  const { values } = parseArgs({
    args: [...args],
    options: {
      dir: { type: 'string', default: '.trellis/consortium' },
      org: { type: 'string' },
      serial: { type: 'string' },
      api: { type: 'string', default: DEFAULT_API },
    },
  });
  if (!values.org || !values.serial) throw new Error('--org and --serial are required');
  const result = await submitAsAdmin(values.dir, values.org, values.api, 'revokeOwn', {
    serial: values.serial,
  });
  out(`${JSON.stringify(result, null, 2)}\n`);
  return receiptOk(result) ? 0 : 1;
}

export async function governanceCommand(
  verb: 'propose' | 'approve',
  args: readonly string[],
  out: Out,
): Promise<number> {
  const { values } = parseArgs({
    args: [...args],
    options: {
      dir: { type: 'string', default: '.trellis/consortium' },
      org: { type: 'string' },
      action: { type: 'string' },
      proposal: { type: 'string' },
      api: { type: 'string', default: DEFAULT_API },
    },
  });
  if (!values.org) throw new Error('--org is required');
  const result =
    verb === 'propose'
      ? await submitAsAdmin(values.dir, values.org, values.api, 'propose', {
          action: actionFromJson(values.action ?? ''),
        })
      : await submitAsAdmin(values.dir, values.org, values.api, 'approve', {
          proposalId: fromHex(values.proposal ?? ''),
        });
  out(`${JSON.stringify(result, null, 2)}\n`);
  return receiptOk(result) ? 0 : 1;
}

/**
 * A governance action from the command line's JSON: `publicKey` in hex, `caCertificate` as a
 * PEM file path, `value` as a decimal string; everything else as text.
 */
export function actionFromJson(text: string): CborValue {
  const json = JSON.parse(text) as Record<string, string>;
  const action: Record<string, CborValue> = {};
  for (const [key, value] of Object.entries(json)) {
    if (key === 'publicKey') action[key] = fromHex(value);
    else if (key === 'caCertificate') action[key] = pemFileToDer(value);
    else if (key === 'value') action[key] = BigInt(value);
    else action[key] = value;
  }
  return action;
}

function pemFileToDer(path: string): Uint8Array {
  const decoded = decodePem(loadPem(path, 'CERTIFICATE'), 'CERTIFICATE');
  if (!decoded.ok) throw new Error(`${path}: ${decoded.reason}`);
  return decoded.der;
}

function receiptOk(result: Record<string, unknown>): boolean {
  return (result['receipt'] as { status?: string } | undefined)?.status === 'ok';
}

/**
 * `revokeOwn { serial }` (role `admin`): an organisation's admin revokes one of its own
 * organisation's certificates at once, without a quorum — a leaked key cannot wait for the
 * consortium. The organisation is always the caller's: no admin can revoke another's.
 */
import type { ContractContext } from '../contract';
import { canonicalSerial } from './actions';
import { MapSchema, serialHex } from './fields';
import { requireMember } from './proposals';
import { applyAction } from './rules';

const RevokeOwnArgs = new MapSchema<{ readonly serial: string }>('revokeOwn', {
  serial: serialHex,
});

/** Revokes `caller.org`'s certificate `serial`; emits `system.certificate-revoked`. */
export function revokeOwn(ctx: ContractContext, args: unknown): void {
  const parsed = RevokeOwnArgs.parse(args, 'args');
  const org = requireMember(ctx).id;
  const serial = canonicalSerial(org, parsed.serial, 'args.serial');
  applyAction(ctx.state, { type: 'revoke-certificate', org, serial }, ctx.block.height, 'args');
  ctx.emit({
    type: 'system.certificate-revoked',
    data: { org, serial, by: ctx.caller.name },
  });
}

/**
 * `registerCertificate { certificate }` (any member): stores the caller's own certificate under
 * its tbs hash, so that later transactions name it by hash alone. The node has already checked
 * that `certificate` is the signer's (its tbs hash is `caller.certificate`), that it chains to
 * a member CA, is valid and is not revoked: a contract does no X.509 or signature work.
 */
import type { ContractContext } from '../contract';
import { certificateDer, MapSchema } from './fields';
import { GovernanceError } from './governance-error';
import { CertificateSchema, keys } from './layout';
import { requireMember } from './proposals';
import { readCertificate } from './readers';

const RegisterArgs = new MapSchema<{ readonly certificate: Uint8Array }>('registerCertificate', {
  certificate: certificateDer,
});

/** Registers the caller's certificate; emits `system.certificate-registered`. */
export function registerCertificate(ctx: ContractContext, args: unknown): void {
  const { certificate } = RegisterArgs.parse(args, 'args');
  requireMember(ctx);
  const tbsHash = Uint8Array.from(ctx.caller.certificate);
  const existing = readCertificate(ctx.state, tbsHash);
  if (existing !== undefined) {
    throw new GovernanceError(
      'already-registered',
      `this certificate of ${existing.org} was registered at height ${existing.registeredHeight}`,
      'args.certificate',
    );
  }
  const record = { org: ctx.caller.org, der: certificate, registeredHeight: ctx.block.height };
  ctx.state.put(keys.certificate(tbsHash), CertificateSchema.encode(record));
  ctx.emit({
    type: 'system.certificate-registered',
    data: { org: ctx.caller.org, name: ctx.caller.name, tbsHash },
  });
}

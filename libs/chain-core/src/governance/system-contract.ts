/**
 * The `system` contract: membership and parameters of the consortium (docs/spec/governance.md).
 * Every change is approved on chain by a quorum of organisation admins; the exceptions are a
 * member registering its own certificate and an organisation revoking its own certificates.
 */
import { defineContract } from '../contract';
import { approve } from './approve';
import { propose } from './propose';
import { registerCertificate } from './register-certificate';
import { revokeOwn } from './revoke-own';

/** The contract's name: its key space in world state is `system ‖ 0x00 ‖ key`. */
export const SYSTEM_CONTRACT_NAME = 'system';

/** Method → roles; `registerCertificate` is open to every member (it only names the caller). */
const access = {
  propose: ['admin'],
  approve: ['admin'],
  revokeOwn: ['admin'],
} as const;

export const systemContract = defineContract({
  name: SYSTEM_CONTRACT_NAME,
  version: 1,
  methods: { propose, approve, registerCertificate, revokeOwn },
  access,
});

/**
 * What `propose` and `approve` share: the caller's membership, the quorum, counting approvals,
 * executing an approved action in the approving transaction, and storing a proposal.
 */
import type { ContractContext } from '../contract';
import { actionToValue } from './actions';
import { GovernanceError } from './governance-error';
import { type OrganisationRecord, keys, ProposalSchema } from './layout';
import { type GovernanceProposal, type SystemStateReader, readOrganisation } from './readers';
import { applyAction } from './rules';

/**
 * The quorum of organisations for `n` active ones: ⌊2n/3⌋ + 1, more than two thirds, so that
 * two conflicting decisions cannot both pass unless more than a third of the organisations
 * approve both.
 */
export function approvalThreshold(n: bigint): bigint {
  if (typeof n !== 'bigint' || n < 1n) {
    throw new GovernanceError('invalid-args', `n must be a positive bigint, got ${String(n)}`, 'n');
  }
  return (2n * n) / 3n + 1n;
}

/**
 * The caller's organisation, which must be active: a removed organisation's admins (whose
 * certificates the node should no longer admit) are refused here too.
 * @throws GovernanceError('not-a-member')
 */
export function requireMember(ctx: ContractContext): OrganisationRecord {
  const organisation = readOrganisation(ctx.state, ctx.caller.org);
  if (organisation?.status !== 'active') {
    throw new GovernanceError(
      'not-a-member',
      `caller's organisation ${ctx.caller.org} is ${organisation === undefined ? 'unknown' : 'removed'}`,
      'caller.org',
    );
  }
  return organisation;
}

/**
 * Approvals that count: those of organisations still active. An organisation removed after
 * approving no longer carries the decision; the threshold stays the one fixed at creation.
 */
export function countApprovals(reader: SystemStateReader, proposal: GovernanceProposal): bigint {
  const counted = proposal.approvals.filter(
    (a) => readOrganisation(reader, a.org)?.status === 'active',
  );
  return BigInt(counted.length);
}

/**
 * Applies the proposal's action in this transaction when its approvals reach the threshold.
 * The action is checked again against the state of now: when it no longer holds, the rule's
 * error fails the transaction and the proposal stays pending (until it expires).
 */
export function executeIfApproved(
  ctx: ContractContext,
  proposal: GovernanceProposal,
): GovernanceProposal {
  if (countApprovals(ctx.state, proposal) < proposal.threshold) return proposal;
  applyAction(ctx.state, proposal.action, ctx.block.height);
  ctx.emit({
    type: `system.${proposal.action.type}-applied`,
    data: { proposalId: proposal.id, action: actionToValue(proposal.action) },
  });
  return { ...proposal, status: 'executed', executedHeight: ctx.block.height };
}

/** Writes the proposal record. */
export function storeProposal(ctx: ContractContext, proposal: GovernanceProposal): void {
  ctx.state.put(
    keys.proposal(proposal.id),
    ProposalSchema.encode({ ...proposal, action: actionToValue(proposal.action) }),
  );
}

/**
 * `approve { proposalId }` (role `admin`): an organisation approves a pending proposal, once.
 * The approval that reaches the quorum executes the action in the same transaction.
 */
import { hash32 } from '../codec';
import type { ContractContext } from '../contract';
import { MapSchema } from './fields';
import { GovernanceError } from './governance-error';
import { countApprovals, executeIfApproved, requireMember, storeProposal } from './proposals';
import { readProposal } from './readers';

const ApproveArgs = new MapSchema<{ readonly proposalId: Uint8Array }>('approve', {
  proposalId: hash32,
});

/** Records the caller's organisation's approval; emits `system.proposal-approved`. */
export function approve(ctx: ContractContext, args: unknown): void {
  const { proposalId } = ApproveArgs.parse(args, 'args');
  requireMember(ctx);
  const proposal = readProposal(ctx.state, proposalId);
  if (proposal === undefined) {
    throw new GovernanceError('unknown-proposal', 'no proposal has this id', 'args.proposalId');
  }
  if (proposal.status === 'executed') {
    throw new GovernanceError(
      'proposal-executed',
      `the proposal was executed at height ${proposal.executedHeight}`,
      'args.proposalId',
    );
  }
  if (ctx.block.height > proposal.expiresAfterHeight) {
    throw new GovernanceError(
      'proposal-expired',
      `the proposal expired after height ${proposal.expiresAfterHeight}; this is height ${ctx.block.height}`,
      'args.proposalId',
    );
  }
  const earlier = proposal.approvals.find((a) => a.org === ctx.caller.org);
  if (earlier !== undefined) {
    throw new GovernanceError(
      'already-approved',
      `organisation ${ctx.caller.org} approved at height ${earlier.height} (${earlier.name})`,
      'caller.org',
    );
  }
  const approved = {
    ...proposal,
    approvals: [
      ...proposal.approvals,
      { org: ctx.caller.org, name: ctx.caller.name, height: ctx.block.height },
    ],
  };
  ctx.emit({
    type: 'system.proposal-approved',
    data: {
      proposalId,
      org: ctx.caller.org,
      name: ctx.caller.name,
      approvals: countApprovals(ctx.state, approved),
      threshold: approved.threshold,
    },
  });
  storeProposal(ctx, executeIfApproved(ctx, approved));
}

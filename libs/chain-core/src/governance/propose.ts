/**
 * `propose { action }` (role `admin`): an organisation's admin asks the consortium for a change.
 * The action is checked against current state at once; the proposal's id is the id of this
 * transaction (unique, and known to the proposer before submitting); the proposer's
 * organisation is its first approval, so with a single organisation it executes at once.
 */
import { type Field, toProfileValue } from '../codec';
import type { ContractContext } from '../contract';
import { actionToValue, parseAction } from './actions';
import { MapSchema } from './fields';
import { approvalThreshold, executeIfApproved, requireMember, storeProposal } from './proposals';
import { type GovernanceProposal, readOrganisations, readParameters } from './readers';
import { planAction } from './rules';

/** Any value here: `parseAction` then checks the action field by field, naming each. */
const actionValue: Field<unknown> = {
  kind: 'action',
  check: () => undefined,
  toValue: (value) => toProfileValue(value),
  fromValue: (value) => value,
};

const ProposeArgs = new MapSchema<{ readonly action: unknown }>('propose', {
  action: actionValue,
});

/** Creates a proposal; emits `system.proposal-created` (and `system.<type>-applied` if n = 1). */
export function propose(ctx: ContractContext, args: unknown): void {
  const action = parseAction(ProposeArgs.parse(args, 'args').action, 'args.action');
  requireMember(ctx);
  planAction(ctx.state, action, ctx.block.height, 'args.action');
  const active = readOrganisations(ctx.state).filter((o) => o.status === 'active');
  const organisations = BigInt(active.length);
  const { governanceProposalTtlBlocks } = readParameters(ctx.state);
  const created: GovernanceProposal = {
    id: Uint8Array.from(ctx.txId),
    action,
    createdHeight: ctx.block.height,
    expiresAfterHeight: ctx.block.height + governanceProposalTtlBlocks,
    organisations,
    threshold: approvalThreshold(organisations),
    approvals: [{ org: ctx.caller.org, name: ctx.caller.name, height: ctx.block.height }],
    status: 'pending',
    executedHeight: null,
  };
  ctx.emit({
    type: 'system.proposal-created',
    data: {
      proposalId: created.id,
      proposer: { org: ctx.caller.org, name: ctx.caller.name },
      action: actionToValue(action),
      organisations,
      threshold: created.threshold,
      expiresAfterHeight: created.expiresAfterHeight,
    },
  });
  storeProposal(ctx, executeIfApproved(ctx, created));
}

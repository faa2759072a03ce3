export { type MemberKey, memberKey, signTransaction } from '@trellis/shared/chain';

import { defineContract } from '@trellis/chain-core';

/** The traceability contract: a product code is registered once and its history only grows. Its methods arrive with the vertical's own issue. */
export const antiCounterfeitContract = defineContract({
  name: 'anti-counterfeit',
  version: 1,
  methods: {},
});

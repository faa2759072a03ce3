import { defineContract } from '@trellis/chain-core';

/** The supply-chain finance contract: the pieces of a split receivable add up to the whole. Its methods arrive with the vertical's own issue. */
export const supplyFinanceContract = defineContract({
  name: 'supply-finance',
  version: 1,
  methods: {},
});

import { defineContract } from '@trellis/chain-core';

/** The copyright deposit contract: a work is deposited once and deposits are immutable. Its methods arrive with the vertical's own issue. */
export const copyrightContract = defineContract({ name: 'copyright', version: 1, methods: {} });

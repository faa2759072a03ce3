import { defineContract } from '@trellis/chain-core';

/** The judicial evidence contract: a deposit cannot be altered; corrections are new deposits. Its methods arrive with the vertical's own issue. */
export const judicialEvidenceContract = defineContract({
  name: 'judicial-evidence',
  version: 1,
  methods: {},
});

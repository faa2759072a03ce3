import { defineContract } from '@trellis/chain-core';

/** The government data directory contract: a published catalogue entry is versioned, never rewritten. Its methods arrive with the vertical's own issue. */
export const govDirectoryContract = defineContract({
  name: 'gov-directory',
  version: 1,
  methods: {},
});

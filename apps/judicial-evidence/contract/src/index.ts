import { defineContract } from '@trellis/chain-core';
import { notarise } from './notarise';

/**
 * The judicial evidence contract: a deposit cannot be altered; corrections are new deposits.
 * Today it notarises digests (once per depositor); evidence chains, court presentations and
 * private metadata arrive with the vertical's own issue.
 */
export const judicialEvidenceContract = defineContract({
  name: 'judicial-evidence',
  version: 1,
  methods: { notarise },
});

export type { NotariseArgs } from './notarise';

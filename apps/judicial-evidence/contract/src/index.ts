import { defineContract } from '@trellis/chain-core';
import { deposit } from './deposit';
import { notarise } from './notarise';
import { COURT_ROLE, present } from './present';
import { timestamp } from './timestamp';

/**
 * The judicial evidence contract: deposits of evidence digests (once per depositor, never
 * altered; corrections and evidence chains are new deposits naming old ones), courts'
 * records of presentations, and RFC 3161 time-stamp anchors.
 */
export const judicialEvidenceContract = defineContract({
  name: 'judicial-evidence',
  version: 2,
  methods: { deposit, notarise, present, timestamp },
  access: { present: [COURT_ROLE] },
});

export { EVIDENCE_TYPES, MAX_TITLE_CHARS, parseDepositArgs } from './deposit';
export type { DepositArgs, DepositRecord, EvidenceType } from './deposit';
export type { NotariseArgs } from './notarise';
export { COURT_ROLE, MAX_CASE_NUMBER_CHARS, parsePresentArgs } from './present';
export type { PresentArgs } from './present';
export { TIMESTAMP_ALGORITHMS, parseTimestampArgs } from './timestamp';
export type { TimestampArgs } from './timestamp';

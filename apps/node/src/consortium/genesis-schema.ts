/**
 * The shape of `genesis.json` (format `trellis-genesis/v1`), checked with zod: types, patterns
 * and unknown keys. The rules that need more than one field or the crypto and identity layers
 * (unique keys, organisations that exist, certificates that verify) are in parse-genesis.ts.
 *
 * Unknown keys are refused everywhere except inside `parameters`: a misspelt field would
 * otherwise be ignored by the parser yet still be part of what an operator believes genesis says.
 */
import { ORG_ID_PATTERN, SUITE_IDS, type SuiteId } from '@trellis/chain-core';
import { z } from 'zod';
import type { JsonValue } from './canonical-json';
import { type ConsortiumIssue, jsonPath } from './consortium-error';

/** The `format` of every genesis file this code reads and writes. */
export const GENESIS_FORMAT = 'trellis-genesis/v1';

/**
 * Chain ids and node names: the shape of an organisation id (lower-case, a letter first,
 * 2..63 characters), so that they are safe as directory names and in logs.
 */
export const NAME_PATTERN = /^[a-z][a-z0-9-]{1,62}$/;

/** Milliseconds since 1970 as a decimal string (JSON numbers lose precision above 2^53). */
const TIMESTAMP_PATTERN = /^(0|[1-9][0-9]{0,15})$/;

/** Lower-case hex, an even number of digits: the one spelling of a raw key. */
const HEX_PATTERN = /^([0-9a-f]{2})+$/;

const name = (what: string) =>
  z.string().regex(NAME_PATTERN, `must be a ${what} matching ${NAME_PATTERN}`);

const organisationSchema = z.strictObject({
  id: z.string().regex(ORG_ID_PATTERN, `must be an organisation id matching ${ORG_ID_PATTERN}`),
  name: z.string(),
  caCertificate: z.string(),
});

const validatorSchema = z.strictObject({
  org: z.string(),
  name: name('node name'),
  publicKey: z.string().regex(HEX_PATTERN, 'must be lower-case hex of the raw consensus key'),
  address: z.string(),
});

const observerSchema = z.strictObject({
  org: z.string(),
  name: name('node name'),
  address: z.string(),
});

export const genesisSchema = z.strictObject({
  format: z.literal(GENESIS_FORMAT),
  chainId: name('chain id'),
  suite: z.enum(SUITE_IDS as readonly SuiteId[] as [SuiteId, ...SuiteId[]]),
  timestampMs: z
    .string()
    .regex(TIMESTAMP_PATTERN, 'must be milliseconds since 1970 as a decimal string'),
  organisations: z.array(organisationSchema).min(1, 'must list at least one organisation'),
  certificates: z.array(z.string()),
  validators: z.array(validatorSchema).min(1, 'must list at least one validator'),
  observers: z.array(observerSchema).default([]),
  parameters: z.record(z.string(), z.json()).default({}),
});

/** genesis.json as its text says it, after the shape checks (`observers`, `parameters` filled in). */
export interface GenesisDocument {
  readonly format: typeof GENESIS_FORMAT;
  readonly chainId: string;
  readonly suite: SuiteId;
  readonly timestampMs: string;
  readonly organisations: readonly {
    readonly id: string;
    readonly name: string;
    readonly caCertificate: string;
  }[];
  readonly certificates: readonly string[];
  readonly validators: readonly {
    readonly org: string;
    readonly name: string;
    readonly publicKey: string;
    readonly address: string;
  }[];
  readonly observers: readonly {
    readonly org: string;
    readonly name: string;
    readonly address: string;
  }[];
  readonly parameters: { readonly [key: string]: JsonValue };
}

/**
 * Checks the shape of a parsed JSON value: the document, or every issue with its JSON path.
 * Works for any zod schema, so that the node configuration reports its fields the same way.
 */
export function checkShape<T>(
  schema: z.ZodType<T>,
  value: unknown,
): { ok: true; value: T } | { ok: false; issues: ConsortiumIssue[] } {
  const result = schema.safeParse(value);
  if (result.success) return { ok: true, value: result.data };
  return {
    ok: false,
    issues: result.error.issues.map((issue) => ({
      path: jsonPath(issue.path),
      message: issue.message.replace(
        /^Invalid input: expected (.+), received undefined$/,
        'is missing (expected $1)',
      ),
    })),
  };
}

import { z } from 'zod';

/**
 * The judicial evidence service's own settings, from the environment (the kernel's AppConfig
 * covers the process: port, database, logs). Without `TRELLIS_CHAIN_NODES` the service runs
 * without the chain: health and the OpenAPI document answer, every chain route answers 503
 * `chain-unavailable`.
 */
export interface EvidenceConfig {
  /** Base URLs of the chain nodes' APIs (any organisation's). */
  readonly nodes: readonly string[];
  /** The consortium directory: genesis.json and orgs/<org>/ with each member's keys. */
  readonly consortiumDir: string | undefined;
  /** The organisations this service acts for (default: every one with keys in consortiumDir). */
  readonly orgs: readonly string[] | undefined;
  /** The portal's base URL: the certificates' QR codes open its court verification page. */
  readonly portalUrl: string;
  /** The organisation whose TSA certificate signs RFC 3161 tokens (default: the first acting one). */
  readonly tsaOrg: string | undefined;
  /** The largest upload accepted, bytes (default 2 GiB). */
  readonly uploadLimitBytes: number;
}

export class EvidenceConfigError extends Error {
  constructor(readonly issues: readonly string[]) {
    super(`invalid judicial evidence configuration: ${issues.join('; ')}`);
    this.name = 'EvidenceConfigError';
  }
}

const ORG = /^[a-z][a-z0-9-]{1,62}$/;
const httpUrl = z
  .string()
  .url()
  .refine((u) => /^https?:\/\//.test(u), 'must be an http(s) URL')
  .transform((u) => u.replace(/\/+$/, ''));

const schema = z.object({
  TRELLIS_CHAIN_NODES: z
    .string()
    .optional()
    .transform((v) =>
      (v ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .pipe(z.array(httpUrl)),
  TRELLIS_CONSORTIUM_DIR: z.string().min(1).optional(),
  TRELLIS_EVIDENCE_ORGS: z
    .string()
    .optional()
    .transform((v) =>
      v === undefined
        ? undefined
        : v
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean),
    )
    .pipe(z.array(z.string().regex(ORG, 'must be organisation ids')).min(1).optional()),
  TRELLIS_PORTAL_URL: httpUrl.default('http://127.0.0.1:3001'),
  TRELLIS_TSA_ORG: z.string().regex(ORG).optional(),
  TRELLIS_EVIDENCE_UPLOAD_LIMIT: z.coerce
    .number()
    .int()
    .min(1)
    .max(2 ** 31)
    .default(2 ** 31),
});

/** Parses the environment; every bad variable is named (values are never echoed). */
export function loadEvidenceConfig(env: NodeJS.ProcessEnv = process.env): EvidenceConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    throw new EvidenceConfigError(
      parsed.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`),
    );
  }
  const v = parsed.data;
  if (v.TRELLIS_CHAIN_NODES.length > 0 && v.TRELLIS_CONSORTIUM_DIR === undefined) {
    throw new EvidenceConfigError(['TRELLIS_CONSORTIUM_DIR: required with TRELLIS_CHAIN_NODES']);
  }
  return {
    nodes: v.TRELLIS_CHAIN_NODES,
    consortiumDir: v.TRELLIS_CONSORTIUM_DIR,
    orgs: v.TRELLIS_EVIDENCE_ORGS,
    portalUrl: v.TRELLIS_PORTAL_URL,
    tsaOrg: v.TRELLIS_TSA_ORG,
    uploadLimitBytes: v.TRELLIS_EVIDENCE_UPLOAD_LIMIT,
  };
}

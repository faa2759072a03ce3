import { type ChainServiceConfig, loadChainServiceConfig } from '@trellis/shared/chain';
import { z } from 'zod';

/**
 * The judicial evidence service's own settings, from the environment (the kernel's AppConfig
 * covers the process: port, database, logs; `loadChainServiceConfig` the chain: nodes,
 * consortium directory, and here `TRELLIS_EVIDENCE_ORGS` for the organisations it acts for).
 * Without `TRELLIS_CHAIN_NODES` the service runs without the chain: health and the OpenAPI
 * document answer, every chain route answers 503 `chain-unavailable`.
 */
export interface EvidenceConfig extends ChainServiceConfig {
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

const schema = z.object({
  TRELLIS_PORTAL_URL: z
    .string()
    .url()
    .refine((u) => /^https?:\/\//.test(u), 'must be an http(s) URL')
    .transform((u) => u.replace(/\/+$/, ''))
    .default('http://127.0.0.1:3001'),
  TRELLIS_TSA_ORG: z
    .string()
    .regex(/^[a-z][a-z0-9-]{1,62}$/)
    .optional(),
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
  return {
    ...loadChainServiceConfig(env, 'TRELLIS_EVIDENCE_ORGS'),
    portalUrl: parsed.data.TRELLIS_PORTAL_URL,
    tsaOrg: parsed.data.TRELLIS_TSA_ORG,
    uploadLimitBytes: parsed.data.TRELLIS_EVIDENCE_UPLOAD_LIMIT,
  };
}

import { z } from 'zod';

/**
 * The one place where a Trellis service reads its environment. Every variable is parsed and
 * checked at start-up; a bad value stops the process with an error naming the variable
 * (values are not echoed: some, like DATABASE_URL, carry credentials).
 */
const port = z.coerce
  .number({ error: 'must be an integer from 0 to 65535' })
  .int('must be an integer from 0 to 65535')
  .min(0, 'must be an integer from 0 to 65535')
  .max(65535, 'must be an integer from 0 to 65535');

const postgresUrl = z.string().refine((value) => {
  try {
    const url = new URL(value);
    return (url.protocol === 'postgres:' || url.protocol === 'postgresql:') && url.hostname !== '';
  } catch {
    return false;
  }
}, 'must be a postgres:// or postgresql:// URL with a host');

const schema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  HOST: z.string().min(1, 'must not be empty').default('127.0.0.1'),
  PORT: port.optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Unset: an embedded PostgreSQL (PGlite) keeps the read models under TRELLIS_DATA_DIR. */
  DATABASE_URL: postgresUrl.optional(),
  DATABASE_POOL_SIZE: z.coerce
    .number({ error: 'must be an integer from 1 to 100' })
    .int('must be an integer from 1 to 100')
    .min(1, 'must be an integer from 1 to 100')
    .max(100, 'must be an integer from 1 to 100')
    .default(10),
  TRELLIS_DATA_DIR: z.string().min(1, 'must not be empty').default('.trellis'),
  /** Who may sign in: docs/adr/0017-sign-in.md (unset: no accounts are added or changed). */
  TRELLIS_ACCOUNTS_FILE: z.string().min(1, 'must not be empty').optional(),
});

export type AppConfig = z.infer<typeof schema>;

/** One bad environment variable and what is wrong with it. */
export interface ConfigIssue {
  readonly variable: string;
  readonly message: string;
}

export class ConfigError extends Error {
  constructor(readonly issues: readonly ConfigIssue[]) {
    super(`invalid configuration: ${issues.map((i) => `${i.variable} ${i.message}`).join('; ')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Parses the environment. Empty strings count as unset, so `PORT= npm start` means "default".
 * @throws ConfigError naming every bad variable.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const present = Object.fromEntries(
    Object.keys(schema.shape).flatMap((key) =>
      env[key] === undefined || env[key] === '' ? [] : [[key, env[key]]],
    ),
  );
  const parsed = schema.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => ({
        variable: issue.path.join('.'),
        message:
          issue.code === 'invalid_value'
            ? `must be one of ${describeValues(issue)}`
            : issue.message,
      })),
    );
  }
  return parsed.data;
}

function describeValues(issue: z.core.$ZodIssue): string {
  return 'values' in issue ? (issue.values as unknown[]).join(', ') : issue.message;
}

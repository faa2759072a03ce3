/**
 * Password hashing with scrypt (RFC 7914) from node:crypto, stored in a self-describing string:
 * `scrypt$ln=15,r=8,p=1$<salt, base64>$<key, base64>` — the cost travels with the hash, so a
 * later, higher cost leaves older hashes verifiable. ADR 0017 says why scrypt and these costs.
 */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

export interface ScryptCost {
  /** log2 of N, the CPU/memory cost. */
  readonly ln: number;
  readonly r: number;
  readonly p: number;
}

/** OWASP's scrypt minimum is N = 2^17 with r = 8, p = 1 at 128 MiB; 2^15 is ~60 ms here. */
export const DEFAULT_SCRYPT_COST: ScryptCost = { ln: 15, r: 8, p: 1 };

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;

const KEY_BYTES = 32;
const SALT_BYTES = 16;
const FORMAT =
  /^scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/]{22,}={0,2})\$([A-Za-z0-9+/]{43}=)$/;

/** A stored hash this module cannot read. */
export class PasswordHashFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PasswordHashFormatError';
  }
}

/** Why a password is refused as a new password, or null when it is acceptable. */
export function passwordProblem(password: unknown): string | null {
  if (typeof password !== 'string') return 'a password is a string';
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH)
    return `a password has at least ${PASSWORD_MIN_LENGTH} characters`;
  if (length > PASSWORD_MAX_LENGTH)
    return `a password has at most ${PASSWORD_MAX_LENGTH} characters`;
  return null;
}

function derive(password: string, salt: Buffer, cost: ScryptCost): Promise<Buffer> {
  const N = 2 ** cost.ln;
  return new Promise((resolve, reject) => {
    scrypt(
      password.normalize('NFC'),
      salt,
      KEY_BYTES,
      { N, r: cost.r, p: cost.p, maxmem: 256 * N * cost.r + 1024 * 1024 },
      (error, key) => (error ? reject(error) : resolve(key)),
    );
  });
}

/** Hashes a password with a fresh random salt. */
export async function hashPassword(
  password: string,
  cost: ScryptCost = DEFAULT_SCRYPT_COST,
): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, cost);
  return `scrypt$ln=${cost.ln},r=${cost.r},p=${cost.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

interface ParsedHash {
  readonly cost: ScryptCost;
  readonly salt: Buffer;
  readonly key: Buffer;
}

/** Reads a stored hash; throws PasswordHashFormatError when it is not one of ours. */
export function parsePasswordHash(encoded: string): ParsedHash {
  const m = FORMAT.exec(encoded);
  if (!m) {
    throw new PasswordHashFormatError(
      'not a password hash of the form scrypt$ln=<n>,r=<r>,p=<p>$<salt>$<key> (npm run accounts -- hash)',
    );
  }
  const cost = { ln: Number(m[1]), r: Number(m[2]), p: Number(m[3]) };
  if (cost.ln < 10 || cost.ln > 20 || cost.r < 1 || cost.r > 32 || cost.p < 1 || cost.p > 16) {
    throw new PasswordHashFormatError('scrypt cost out of range (ln 10..20, r 1..32, p 1..16)');
  }
  const salt = Buffer.from(m[4]!, 'base64');
  if (salt.length < SALT_BYTES) throw new PasswordHashFormatError('the salt is under 16 bytes');
  return { cost, salt, key: Buffer.from(m[5]!, 'base64') };
}

/** True when `password` matches `encoded`; the comparison takes the same time either way. */
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  const { cost, salt, key } = parsePasswordHash(encoded);
  const candidate = await derive(password, salt, cost);
  return timingSafeEqual(candidate, key);
}

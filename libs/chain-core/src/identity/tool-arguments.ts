/** Argument checks shared by the issuing tools; each names the bad field. */
import { invalidArgument, isoSeconds } from './identity-error';
import {
  CERTIFICATE_KEY_ALGORITHMS,
  type CertificateKeyAlgorithm,
  displayNameProblem,
} from './profile-rules';

export interface CertificateValidity {
  readonly notBefore: Date;
  readonly notAfter: Date;
}

/** Earliest and latest instants X.509 Time can carry (UTCTime from 1950, GeneralizedTime to 9999). */
const EARLIEST = Date.UTC(1950, 0, 1);
const LATEST = Date.UTC(9999, 11, 31, 23, 59, 59);

/**
 * A validity period, truncated to whole seconds (the precision of X.509 times), with
 * notBefore < notAfter.
 */
export function checkValidity(validity: unknown, field: string): CertificateValidity {
  if (typeof validity !== 'object' || validity === null) {
    throw invalidArgument(field, 'expected { notBefore: Date, notAfter: Date }');
  }
  const { notBefore, notAfter } = validity as Partial<CertificateValidity>;
  const from = checkTime(notBefore, `${field}.notBefore`);
  const to = checkTime(notAfter, `${field}.notAfter`);
  if (from.getTime() >= to.getTime()) {
    throw invalidArgument(
      field,
      `notBefore ${isoSeconds(from)} is not before notAfter ${isoSeconds(to)}`,
    );
  }
  return { notBefore: from, notAfter: to };
}

function checkTime(value: unknown, field: string): Date {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    throw invalidArgument(field, 'expected a valid Date');
  }
  const ms = value.getTime();
  if (ms < EARLIEST || ms > LATEST) {
    throw invalidArgument(
      field,
      `${value.toISOString()} is outside the X.509 time range 1950..9999`,
    );
  }
  return new Date(ms - (((ms % 1000) + 1000) % 1000));
}

export function checkAlgorithm(value: unknown, field: string): CertificateKeyAlgorithm {
  if (value === undefined) return 'ecdsa-p256';
  if (!CERTIFICATE_KEY_ALGORITHMS.includes(value as CertificateKeyAlgorithm)) {
    throw invalidArgument(
      field,
      `expected one of ${CERTIFICATE_KEY_ALGORITHMS.join(', ')}, got ${JSON.stringify(value)}`,
    );
  }
  return value as CertificateKeyAlgorithm;
}

export function checkDisplayName(value: unknown, field: string): string {
  const problem = displayNameProblem(value);
  if (problem !== undefined) throw invalidArgument(field, problem);
  return value as string;
}

export function checkOptions(value: unknown, field: string): void {
  if (typeof value !== 'object' || value === null) {
    throw invalidArgument(field, 'expected an options object');
  }
}

import { CryptoError, CryptoErrorCode } from '../errors';
import { IMPLEMENTATIONS, SUITE_IDS, type Implementation, type SuiteId } from '../types';
import { describe } from './bytes';

function shown(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : describe(value);
}

/** Throws `unknown-algorithm` unless `suite` names a suite. */
export function checkSuiteId(
  suite: unknown,
  where: string,
  argument = 'suite',
): asserts suite is SuiteId {
  if (!SUITE_IDS.includes(suite as SuiteId)) {
    throw new CryptoError(
      CryptoErrorCode.UnknownAlgorithm,
      `${where}: ${argument} must be one of ${SUITE_IDS.join(', ')}, got ${shown(suite)}`,
      { argument, expected: SUITE_IDS.join(' | '), actual: shown(suite) },
    );
  }
}

export function checkImplementation(
  implementation: unknown,
  where: string,
): asserts implementation is Implementation {
  if (!IMPLEMENTATIONS.includes(implementation as Implementation)) {
    throw new CryptoError(
      CryptoErrorCode.UnknownAlgorithm,
      `${where}: implementation must be one of ${IMPLEMENTATIONS.join(', ')}, got ${shown(implementation)}`,
      {
        argument: 'implementation',
        expected: IMPLEMENTATIONS.join(' | '),
        actual: shown(implementation),
      },
    );
  }
}

/**
 * How a transaction's failure becomes a receipt's `error`: the codes the executor itself
 * writes, and the conversion of whatever a contract threw into `{ code, message }` that
 * always encodes (a kebab-case code, a well-formed message of at most 512 UTF-16 units).
 */
import { ContractError } from '../contract';
import { type ReceiptError, limits } from '../types';

/**
 * Codes written by the executor (a contract's own `ContractError` codes and the node's
 * caller-resolution codes pass through as they are):
 * - `unknown-contract`, `unknown-method`: the transaction names no deployed contract / method;
 * - `wrong-chain`: it was signed for another chain id;
 * - `forbidden`: the signer holds none of the roles the method's `access` lists;
 * - `contract-fault`: the method threw something other than a `ContractError` (a bug), returned
 *   a promise, or threw a `ContractError` whose code is not kebab-case;
 * - `step-limit`, `write-limit`, `event-limit`: a per-transaction budget ran out;
 * - `invalid-state-access`, `invalid-event`: the contract passed the host a bad key, value,
 *   range or event.
 */
export const EXECUTION_FAILURE_CODES = Object.freeze([
  'unknown-contract',
  'unknown-method',
  'wrong-chain',
  'forbidden',
  'contract-fault',
  'step-limit',
  'write-limit',
  'event-limit',
  'invalid-state-access',
  'invalid-event',
] as const);

/** One of `EXECUTION_FAILURE_CODES`. */
export type ExecutionFailureCode = (typeof EXECUTION_FAILURE_CODES)[number];

/** Lone surrogates only: in a /u pattern a well-formed pair is one code point and not matched. */
const LONE_SURROGATE = /\p{Surrogate}/gu;

/**
 * `text` as a receipt message: lone surrogates (which do not encode as UTF-8) become U+FFFD,
 * and it is cut to `MAX_ERROR_MESSAGE` UTF-16 units without splitting a surrogate pair.
 */
export function receiptMessage(text: string): string {
  const max = limits.MAX_ERROR_MESSAGE;
  // One unit more than fits, so that a pair cut at the end shows up as lone and is dropped.
  let out = text.slice(0, max + 1).replace(LONE_SURROGATE, '\uFFFD');
  if (out.length > max) {
    const last = out.charCodeAt(max - 1);
    out = out.slice(0, last >= 0xd800 && last <= 0xdbff ? max - 1 : max);
  }
  return out;
}

/**
 * The receipt error for what a method threw: a `ContractError` keeps its code and message;
 * anything else is `contract-fault` with the thrown error's message.
 */
export function failureOfThrown(thrown: unknown): ReceiptError {
  try {
    if (thrown instanceof ContractError) {
      const code: unknown = thrown.code;
      const message = String(thrown.message);
      if (typeof code === 'string' && limits.ERROR_CODE.test(code)) {
        return { code, message: receiptMessage(message) };
      }
      return {
        code: 'contract-fault',
        message: receiptMessage(
          `ContractError code must match ${limits.ERROR_CODE.source}, got ${JSON.stringify(String(code)).slice(0, 80)}: ${message}`,
        ),
      };
    }
    const message = thrown instanceof Error ? String(thrown.message) : String(thrown);
    return { code: 'contract-fault', message: receiptMessage(message) };
  } catch {
    // A thrown value whose message or string form itself throws.
    return { code: 'contract-fault', message: 'the method threw a value that cannot be shown' };
  }
}

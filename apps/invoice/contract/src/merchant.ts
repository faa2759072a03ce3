import { type ContractContext, ContractError, decodeValue, encodeValue } from '@trellis/chain-core';
import { map, pattern, text } from './args';
import { keys } from './keys';

/** The role of the tax bureau's members: registers merchants, freezes invoices. */
export const TAX_BUREAU_ROLE = 'tax-bureau';

/** GB 32100-2015 unified social credit code: 18 characters of this alphabet, the last a check. */
const USCC_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** The 18-character code whose first 17 are `body17`: the check character appended (GB 32100). */
export function withUsccCheckCharacter(body17: string): string {
  if (!/^[0-9A-HJ-NPQRTUWXY]{17}$/.test(body17)) {
    throw new RangeError('body17 must be 17 characters of the unified social credit code alphabet');
  }
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += USCC_ALPHABET.indexOf(body17[i]!) * USCC_WEIGHTS[i]!;
  return body17 + USCC_ALPHABET[(31 - (sum % 31)) % 31]!;
}

/** Whether `code` is a unified social credit code with a correct check character. */
export function isUnifiedSocialCreditCode(code: string): boolean {
  return (
    /^[0-9A-HJ-NPQRTUWXY]{18}$/.test(code) && withUsccCheckCharacter(code.slice(0, 17)) === code
  );
}

export interface MerchantRecord {
  readonly taxId: string;
  readonly name: string;
  readonly industry: string;
  /** GB/T 2260 administrative division code, 6 digits (its first two: the province). */
  readonly region: string;
  /** The organisation whose members issue this merchant's invoices. */
  readonly org: string;
  /** 1, 2, …: the order of registration, part of every invoice number of the merchant. */
  readonly ordinal: bigint;
  readonly registeredAt: bigint;
}

export function taxIdArg(
  m: Readonly<Record<string, unknown>>,
  name: string,
  field = `args.${name}`,
): string {
  const v = m[name];
  if (typeof v !== 'string' || !isUnifiedSocialCreditCode(v)) {
    throw new ContractError(
      'invalid-args',
      `${field} must be a unified social credit code (18 characters, valid check character)`,
    );
  }
  return v;
}

export function readMerchant(
  state: ContractContext['state'],
  taxId: string,
): MerchantRecord | undefined {
  const bytes = state.get(keys.merchant(taxId));
  return bytes === undefined ? undefined : (decodeValue(bytes) as unknown as MerchantRecord);
}

/** The most merchants one chain numbers: six digits of the invoice number. */
export const MAX_MERCHANTS = 999_999n;

/**
 * The tax bureau registers a merchant (role `tax-bureau`): its tax id, name, industry, region
 * and the organisation that issues for it. Once per tax id; the merchant gets the next ordinal.
 */
export function registerMerchant(ctx: ContractContext, args: unknown): void {
  const m = map(args, 'args');
  const taxId = taxIdArg(m, 'taxId');
  const name = text(m, 'name', 100);
  const industry = text(m, 'industry', 64);
  const region = pattern(m, 'region', /^[1-8]\d{5}$/, 'a 6-digit administrative division code');
  const org = pattern(m, 'org', /^[a-z][a-z0-9-]{1,62}$/, 'an organisation id');
  if (ctx.state.get(keys.merchant(taxId)) !== undefined) {
    throw new ContractError('merchant-exists', `merchant ${taxId} is registered already`);
  }
  const countBytes = ctx.state.get(keys.merchantCount());
  const ordinal = (countBytes === undefined ? 0n : (decodeValue(countBytes) as bigint)) + 1n;
  if (ordinal > MAX_MERCHANTS)
    throw new ContractError('too-many-merchants', 'the merchant ordinals are exhausted');
  const record: MerchantRecord = {
    taxId,
    name,
    industry,
    region,
    org,
    ordinal,
    registeredAt: ctx.block.height,
  };
  ctx.state.put(keys.merchantCount(), encodeValue(ordinal));
  ctx.state.put(keys.merchant(taxId), encodeValue(record as never));
  ctx.emit({ type: 'invoice.merchant-registered', data: { ...record, timeMs: ctx.block.timeMs } });
}

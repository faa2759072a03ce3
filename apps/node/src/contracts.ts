import { antiCounterfeitContract } from '@trellis/anti-counterfeit-contract';
import type { ContractDefinition } from '@trellis/chain-core';
import { copyrightContract } from '@trellis/copyright-contract';
import { govDirectoryContract } from '@trellis/gov-directory-contract';
import { invoiceContract } from '@trellis/invoice-contract';
import { judicialEvidenceContract } from '@trellis/judicial-evidence-contract';
import { supplyFinanceContract } from '@trellis/supply-finance-contract';

/** Two contracts were registered under one name. */
export class DuplicateContractError extends Error {
  constructor(readonly contract: string) {
    super(`contract ${JSON.stringify(contract)} is registered twice`);
    this.name = 'DuplicateContractError';
  }
}

/** Indexes contracts by name, refusing duplicates: a name routes every transaction. */
export function contractRegistry(
  contracts: readonly ContractDefinition[],
): ReadonlyMap<string, ContractDefinition> {
  const registry = new Map<string, ContractDefinition>();
  for (const contract of contracts) {
    if (registry.has(contract.name)) throw new DuplicateContractError(contract.name);
    registry.set(contract.name, contract);
  }
  return registry;
}

/** The contracts every validator executes: one per vertical, composed here (DESIGN.md §2). */
export const CONTRACTS = contractRegistry([
  invoiceContract,
  supplyFinanceContract,
  copyrightContract,
  antiCounterfeitContract,
  judicialEvidenceContract,
  govDirectoryContract,
]);

import type { VerticalDescriptor } from '@trellis/shared';
import { supplyFinanceContract } from '@trellis/supply-finance-contract';
import { SupplyFinanceModule } from './supply-finance.module';

export const supplyFinanceVertical: VerticalDescriptor = {
  name: 'supply-finance',
  description:
    'Supply-chain finance: receivable certificates issued by core enterprises, split, transferred and discounted',
  module: SupplyFinanceModule,
  contract: supplyFinanceContract,
  migrations: [],
};

export { SupplyFinanceModule };

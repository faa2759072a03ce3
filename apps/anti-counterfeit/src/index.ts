import type { VerticalDescriptor } from '@trellis/shared';
import { antiCounterfeitContract } from '@trellis/anti-counterfeit-contract';
import { AntiCounterfeitModule } from './anti-counterfeit.module';

export const antiCounterfeitVertical: VerticalDescriptor = {
  name: 'anti-counterfeit',
  description:
    'Food and drug traceability: batches, unique product codes, supply-chain events and consumer scans',
  module: AntiCounterfeitModule,
  contract: antiCounterfeitContract,
  migrations: [],
};

export { AntiCounterfeitModule };

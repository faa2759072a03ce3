import { Module } from '@nestjs/common';
import { createVerticalHealthController } from '@trellis/shared';
import { supplyFinanceContract } from '@trellis/supply-finance-contract';

/** Supply-chain finance: receivable certificates issued by core enterprises, split, transferred and discounted. */
@Module({ controllers: [createVerticalHealthController('supply-finance', supplyFinanceContract)] })
export class SupplyFinanceModule {}

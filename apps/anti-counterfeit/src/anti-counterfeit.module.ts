import { Module } from '@nestjs/common';
import { createVerticalHealthController } from '@trellis/shared';
import { antiCounterfeitContract } from '@trellis/anti-counterfeit-contract';

/** Food and drug traceability: batches, unique product codes, supply-chain events and consumer scans. */
@Module({
  controllers: [createVerticalHealthController('anti-counterfeit', antiCounterfeitContract)],
})
export class AntiCounterfeitModule {}

import { runService } from '@trellis/shared';
import { supplyFinanceVertical } from './index';

void runService({
  service: 'supply-finance',
  title: 'Trellis supply-chain finance API',
  verticals: [supplyFinanceVertical],
  defaultPort: 3102,
});

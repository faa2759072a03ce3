import { runService } from '@trellis/shared';
import { invoiceVertical } from './index';

void runService({
  service: 'invoice',
  title: 'Trellis e-invoice API',
  verticals: [invoiceVertical],
  defaultPort: 3101,
});

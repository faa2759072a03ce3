import { runService } from '@trellis/shared';
import { antiCounterfeitVertical } from './index';

void runService({
  service: 'anti-counterfeit',
  title: 'Trellis traceability API',
  verticals: [antiCounterfeitVertical],
  defaultPort: 3104,
});

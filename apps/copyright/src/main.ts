import { runService } from '@trellis/shared';
import { copyrightVertical } from './index';

void runService({
  service: 'copyright',
  title: 'Trellis copyright deposit API',
  verticals: [copyrightVertical],
  defaultPort: 3103,
});

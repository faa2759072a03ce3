import { runService } from '@trellis/shared';
import { govDirectoryVertical } from './index';

void runService({
  service: 'gov-directory',
  title: 'Trellis government data directory API',
  verticals: [govDirectoryVertical],
  defaultPort: 3106,
});

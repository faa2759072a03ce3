import { runService } from '@trellis/shared';
import { judicialEvidenceVertical } from './index';

void runService({
  service: 'judicial-evidence',
  title: 'Trellis judicial evidence API',
  verticals: [judicialEvidenceVertical],
  defaultPort: 3105,
});

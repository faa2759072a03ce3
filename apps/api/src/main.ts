import { runService } from '@trellis/shared';
import { ALL_VERTICALS } from './verticals';

/** The all-in-one API server: every vertical in one process, one OpenAPI document. */
void runService({
  service: 'api',
  title: 'Trellis API',
  verticals: ALL_VERTICALS,
  defaultPort: 3000,
});

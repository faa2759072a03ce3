export { JSON_BODY_LIMIT, createServiceApp, runService } from './bootstrap';
export type { ServiceAppOptions } from './bootstrap';
export { ServiceModule } from './service.module';
export type { ServiceOptions } from './service.module';
export type { VerticalDescriptor } from './vertical';

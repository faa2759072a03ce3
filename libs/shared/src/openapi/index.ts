export { OPENAPI_JSON_PATH, OPENAPI_PATH, setupOpenApi } from './openapi';
export type { OpenApiOptions } from './openapi';

export { REQUEST_ID_HEADER, createLoggingModule, requestIdOf } from './logging.module';

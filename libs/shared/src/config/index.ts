export { ConfigError, loadConfig } from './config';
export type { AppConfig, ConfigIssue } from './config';
export { APP_CONFIG, ConfigModule } from './config.module';

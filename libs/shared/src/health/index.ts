export { HealthController, checkDatabase, createVerticalHealthController } from './health';

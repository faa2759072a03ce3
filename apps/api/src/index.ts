export { ALL_VERTICALS } from './verticals';

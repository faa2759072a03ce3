// fontoxpath's evaluators, in one place. `npm run typecheck` reads their types from
// types/fontoxpath.d.ts (tsconfig.typecheck.json): fontoxpath's own declarations pull the DOM
// library into the whole program.
export { evaluateXPathToBoolean, evaluateXPathToNodes, evaluateXPathToString } from 'fontoxpath';

import { createRequire } from 'node:module';

/**
 * fontoxpath, loaded at run time through createRequire. The root tsconfig maps `fontoxpath` to
 * types/fontoxpath.d.ts for type-checking; @swc-node/register applies tsconfig `paths` at run
 * time too, so a plain `import … from 'fontoxpath'` loads that empty declaration file under
 * `node --require @swc-node/register`. The types still come from the declared module.
 */
type Fontoxpath = typeof import('fontoxpath');

const fontoxpath = createRequire(__filename)('fontoxpath') as Fontoxpath;

export const { evaluateXPathToBoolean, evaluateXPathToNodes, evaluateXPathToString } = fontoxpath;

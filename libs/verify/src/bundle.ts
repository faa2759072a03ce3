/**
 * Bundles the browser entry (browser.ts) into one script with esbuild, for the platform
 * `browser`: esbuild then refuses any node built-in, so a successful build shows that the
 * verifier and everything it imports run in a browser.
 */
import { join } from 'node:path';
import { build } from 'esbuild';

export interface BrowserBundle {
  /** An IIFE script: loading it defines `globalThis.trellisVerify`. */
  readonly code: string;
  /** The source files it holds (paths relative to the working directory). */
  readonly inputs: readonly string[];
}

export async function bundleBrowserVerifier(
  options: { minify?: boolean } = {},
): Promise<BrowserBundle> {
  const result = await build({
    entryPoints: [join(__dirname, 'browser.ts')],
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    minify: options.minify ?? true,
    legalComments: 'none',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  return {
    code: result.outputFiles[0]!.text,
    inputs: Object.keys(result.metafile.inputs),
  };
}

// Next.js configuration of the Trellis portal.
//
// This is `.mjs`, not `.ts`, on purpose: the repository root has no `"type": "module"`, so a
// `next.config.ts` is either transpiled to CommonJS (Node 20) or loaded natively as ESM (Node
// 22.18+), and no single way of naming this file's directory works in both. `import.meta` here
// always does.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The monorepo root: it holds the one lockfile and the hoisted node_modules. */
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** @type {import('next').NextConfig} */
const nextConfig = {
  // Turbopack resolves hoisted packages from the repository root. Next also uses this value as
  // `outputFileTracingRoot`; it only reads there, all output goes to apps/portal/.next.
  turbopack: { root: repoRoot },
  poweredByHeader: false,
  reactStrictMode: true,
  // The pages reach the API at /api/* on the portal's own origin: app/api/[...path]/route.ts
  // forwards it (not `rewrites()`: Next fixes rewrite destinations at build time and buffers
  // and caps bodies at 10 MB; see that file).
};

export default nextConfig;

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
  // The pages call the API through the portal's own origin (no CORS). Read when the server
  // starts (`next start`), so one build serves any API. Next's proxy forwards at most
  // `experimental.proxyClientMaxBodySize` (10 MB) of a request body and copies what it forwards
  // into memory, so large uploads go straight to the API (TRELLIS_PUBLIC_API_URL, see
  // app/evidence) or are hashed in the browser and deposited by digest.
  async rewrites() {
    const api = (process.env.TRELLIS_API_URL ?? 'http://127.0.0.1:3000').replace(/\/+$/, '');
    return [{ source: '/api/:path*', destination: `${api}/api/:path*` }];
  },
};

export default nextConfig;

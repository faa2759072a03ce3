// The portal's pages call the API through the portal's own origin (no CORS): /api/* is
// forwarded here to TRELLIS_API_URL, read per request so that one build serves any API.
//
// A route handler, not a `rewrites()` entry in next.config.mjs: Next bakes rewrite destinations
// into the build (routes-manifest.json), and its rewrite proxy forwards at most 10 MB of a
// request body (experimental.proxyClientMaxBodySize) while copying it into memory. Here both
// bodies are streamed through, so a 2 GiB upload passes without being held.

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** Headers of one hop (RFC 9110 §7.6.1) and those fetch recomputes; never forwarded. */
const HOP_BY_HOP = [
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'host',
  'content-length',
];

function apiBase(): string {
  return (process.env.TRELLIS_API_URL ?? 'http://127.0.0.1:3000').replace(/\/+$/, '');
}

async function forward(
  request: Request,
  context: { params: Promise<{ path: string[] }> },
): Promise<Response> {
  const { path } = await context.params;
  const target = `${apiBase()}/api/${path.map(encodeURIComponent).join('/')}${new URL(request.url).search}`;
  const headers = new Headers(request.headers);
  for (const name of HOP_BY_HOP) headers.delete(name);
  // fetch decodes compressed answers; ask for none, so that the headers passed back stay true.
  headers.set('accept-encoding', 'identity');
  const init: RequestInit & { duplex?: 'half' } = {
    method: request.method,
    headers,
    redirect: 'manual',
    cache: 'no-store',
    signal: request.signal,
  };
  if (request.body !== null && request.method !== 'GET' && request.method !== 'HEAD') {
    init.body = request.body;
    init.duplex = 'half'; // stream the upload instead of reading it whole first
  }
  let upstream: Response;
  try {
    upstream = await fetch(target, init);
  } catch (error) {
    return Response.json(
      {
        type: 'about:blank',
        title: 'Bad Gateway',
        status: 502,
        detail: `the portal could not reach the API server (${error instanceof Error ? error.message : String(error)})`,
        code: 'api-unreachable',
      },
      { status: 502, headers: { 'content-type': 'application/problem+json' } },
    );
  }
  const out = new Headers(upstream.headers);
  for (const name of [...HOP_BY_HOP, 'content-encoding']) out.delete(name);
  return new Response(upstream.body, {
    status: upstream.status,
    statusText: upstream.statusText,
    headers: out,
  });
}

export {
  forward as DELETE,
  forward as GET,
  forward as HEAD,
  forward as OPTIONS,
  forward as PATCH,
  forward as POST,
  forward as PUT,
};

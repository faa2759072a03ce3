// The landing page of the Trellis portals. Rendered on every request (not at build time), so
// that the API status is live and TRELLIS_API_URL is read when the server runs, not when built.
export const dynamic = 'force-dynamic';

interface Portal {
  name: string;
  users: string;
  purpose: string;
  /** The portal's pages, once it has any; a portal without is planned. */
  links?: readonly { href: string; label: string }[];
}

const PORTALS: readonly Portal[] = [
  {
    name: 'Tax bureau & merchants',
    users: 'Merchants, buyers’ finance teams, tax bureaus',
    purpose:
      'E-invoices: issue an invoice tied to a payment, claim and reimburse it exactly once, and see every invoice of a district in real time.',
    links: [
      { href: '/invoices/merchant', label: 'Merchants' },
      { href: '/invoices/wallet', label: 'Buyers & enterprises' },
      { href: '/invoices/bureau', label: 'Tax bureau' },
    ],
  },
  {
    name: 'SME financing',
    users: 'Core enterprises, suppliers (SMEs), banks and factors',
    purpose:
      'Supply-chain finance receivables: issue digital receivable certificates, split and transfer them upstream, and finance them at a bank.',
  },
  {
    name: 'Copyright deposit',
    users: 'Rights holders',
    purpose:
      'Deposit a work in one step, receive a certificate, and gather evidence of infringement.',
  },
  {
    name: 'Product traceability scan',
    users: 'Consumers, manufacturers, distributors and retailers',
    purpose:
      'Register batches and product codes, record supply-chain events, and scan a code to see its history and whether it was cloned.',
  },
  {
    name: 'Court verification',
    users: 'Courts and arbitrators',
    purpose: 'Verify a piece of evidence against the chain without trusting whoever deposited it.',
    links: [
      { href: '/court/verify', label: 'Verify evidence' },
      { href: '/evidence', label: 'Deposit evidence' },
    ],
  },
  {
    name: 'Government data directory',
    users: 'Government bureaus',
    purpose:
      'Publish a bureau’s data directory (duties, tables, schemas), and request and grant data sharing.',
  },
  {
    name: 'Chain explorer',
    users: 'Operators',
    purpose: 'Browse blocks, transactions and validators, and watch the health of the network.',
  },
];

type ApiStatus =
  { state: 'up' } | { state: 'unhealthy'; httpStatus: number } | { state: 'unreachable' };

const HEALTH_TIMEOUT_MS = 1500;

/** Asks the API server for its health; never throws. */
async function checkApi(apiUrl: string): Promise<ApiStatus> {
  try {
    const res = await fetch(`${apiUrl}/api/health`, {
      cache: 'no-store',
      signal: AbortSignal.timeout(HEALTH_TIMEOUT_MS),
    });
    await res.body?.cancel();
    return res.ok ? { state: 'up' } : { state: 'unhealthy', httpStatus: res.status };
  } catch {
    // Refused, timed out, bad URL: to the reader these all mean the same thing.
    return { state: 'unreachable' };
  }
}

function statusText(status: ApiStatus): string {
  switch (status.state) {
    case 'up':
      return 'API: up';
    case 'unhealthy':
      return `API: unhealthy (HTTP ${status.httpStatus})`;
    case 'unreachable':
      return 'API: unreachable';
  }
}

export default async function LandingPage() {
  const apiUrl = (process.env.TRELLIS_API_URL ?? 'http://127.0.0.1:3000').replace(/\/+$/, '');
  const status = await checkApi(apiUrl);

  return (
    <main>
      <header>
        <h1>Trellis</h1>
        <p className="lead">Industry applications on one shared consortium blockchain.</p>
      </header>

      <section aria-labelledby="api-heading" className="api">
        <h2 id="api-heading">API server</h2>
        <p id="api-status" className={`status status-${status.state}`}>
          <span className="dot" aria-hidden="true" />
          {statusText(status)}
        </p>
        <p>
          <a href={`${apiUrl}/api/docs`}>API documentation</a> (OpenAPI) at <code>{apiUrl}</code>
        </p>
      </section>

      <section aria-labelledby="portals-heading">
        <h2 id="portals-heading">Portals</h2>
        <p>
          Court verification and e-invoices are available; the other portals are{' '}
          <strong>planned</strong>. Until they are, those applications are used through the API.
        </p>
        <ul className="portals">
          {PORTALS.map((portal) => (
            <li key={portal.name}>
              <h3>{portal.name}</h3>
              <p className="users">For: {portal.users}</p>
              <p className="purpose">{portal.purpose}</p>
              {portal.links ? (
                <p className="links">
                  {portal.links.map((link, i) => (
                    <span key={link.href}>
                      {i > 0 && ' · '}
                      <a href={link.href}>{link.label}</a>
                    </span>
                  ))}
                </p>
              ) : (
                <p className="badge">Planned — not yet available</p>
              )}
            </li>
          ))}
        </ul>
      </section>
    </main>
  );
}

import { PROBLEM_CONTENT_TYPE } from '@trellis/shared';
import { type TestApp, createTestApp } from '@trellis/shared/testing';
import request from 'supertest';
import { ALL_VERTICALS } from '../src';

describe('all-in-one API server', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ verticals: ALL_VERTICALS, service: 'api' });
  }, 60_000);
  afterAll(() => t?.close());

  it('mountsEveryVertical_underApiSlashName', async () => {
    expect(ALL_VERTICALS.map((v) => v.name)).toEqual([
      'invoice',
      'supply-finance',
      'copyright',
      'anti-counterfeit',
      'judicial-evidence',
      'gov-directory',
    ]);
    for (const vertical of ALL_VERTICALS) {
      const res = await request(t.app.getHttpServer())
        .get(`/api/${vertical.name}/health`)
        .expect(200);
      expect(res.body).toEqual({
        status: 'ok',
        vertical: vertical.name,
        contract: { name: vertical.name, version: vertical.contract.version },
        database: 'up',
      });
    }
  });

  it('liveness_andReadiness', async () => {
    await request(t.app.getHttpServer()).get('/api/health').expect(200, { status: 'ok' });
    await request(t.app.getHttpServer())
      .get('/api/ready')
      .expect(200, { status: 'ok', database: 'up' });
  });

  it('servesOneOpenApiDocument_coveringEveryVertical', async () => {
    const ui = await request(t.app.getHttpServer()).get('/api/docs').expect(200);
    expect(ui.headers['content-type']).toContain('text/html');
    const doc = await request(t.app.getHttpServer()).get('/api/docs-json').expect(200);
    expect(doc.body.openapi).toMatch(/^3\./);
    const paths = Object.keys(doc.body.paths as Record<string, unknown>);
    for (const vertical of ALL_VERTICALS) expect(paths).toContain(`/api/${vertical.name}/health`);
    expect(paths).toEqual(
      expect.arrayContaining(['/api/health', '/api/ready', '/api/invoice/quotes']),
    );
    expect(doc.body.components.schemas.Problem.required).toContain('type');
    expect((doc.body.tags as { name: string }[]).map((tag) => tag.name)).toEqual(
      ALL_VERTICALS.map((v) => v.name),
    );
  });

  it('unknownRoute_isProblemJson404', async () => {
    const res = await request(t.app.getHttpServer())
      .get('/api/no-such-vertical/things')
      .expect(404);
    expect(res.headers['content-type']).toContain(PROBLEM_CONTENT_TYPE);
    expect(res.body).toMatchObject({
      status: 404,
      title: 'Not Found',
      instance: '/api/no-such-vertical/things',
    });
  });

  it('requestId_isEchoed_loggedAndInProblems', async () => {
    const res = await request(t.app.getHttpServer())
      .post('/api/invoice/quotes')
      .set('x-request-id', 'trace-42')
      .send({})
      .expect(400);
    expect(res.headers['x-request-id']).toBe('trace-42');
    expect(res.body.requestId).toBe('trace-42');
    const line = t.logs.find((l) => (l['req'] as { id?: string } | undefined)?.id === 'trace-42');
    expect(line).toMatchObject({ service: 'api', res: { statusCode: 400 } });
  });

  it('unsafeRequestId_isReplacedByAUuid', async () => {
    const res = await request(t.app.getHttpServer())
      .get('/api/health')
      .set('x-request-id', 'bad id\twith spaces')
      .expect(200);
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});

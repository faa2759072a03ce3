import { createTestApp, createTestDatabase } from '@trellis/shared/testing';
import request from 'supertest';
import { ALL_VERTICALS } from '../src';

describe('each vertical runs alone', () => {
  it.each(ALL_VERTICALS.map((v) => [v.name, v] as const))(
    '%s_mountsOnlyItself',
    async (name, vertical) => {
      const db = await createTestDatabase();
      const t = await createTestApp({ verticals: [vertical], service: name, db });
      try {
        await request(t.app.getHttpServer()).get(`/api/${name}/health`).expect(200);
        const other = ALL_VERTICALS.find((v) => v.name !== name)!;
        await request(t.app.getHttpServer()).get(`/api/${other.name}/health`).expect(404);
      } finally {
        await t.close();
        await db.drop();
      }
    },
    60_000,
  );
});

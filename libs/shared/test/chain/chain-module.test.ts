import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChainModule, type ChainModuleOptions } from '@trellis/shared';
import { ChainClient, Keystore, KeystoreError } from '@trellis/shared/chain';
import { testMember } from './identity';

let dir: string;
let path: string;
const PASSPHRASE = 'module test passphrase';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'trellis-chain-module-'));
  path = join(dir, 'keys.json');
  const keystore = await Keystore.create(path, PASSPHRASE, { kdf: { n: 2 ** 14 } });
  await keystore.add('invoice', await testMember('acme-bank', 'ed25519'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

function context(options: ChainModuleOptions) {
  @Module({ imports: [ChainModule.forRoot(options)] })
  class AppModule {}
  return NestFactory.createApplicationContext(AppModule, { logger: false, abortOnError: false });
}

describe('ChainModule', () => {
  it('forRoot_providesTheClientAndTheOpenedKeystore', async () => {
    const app = await context({
      nodes: ['http://127.0.0.1:7201/', 'http://127.0.0.1:7202'],
      keystore: { path, passphrase: PASSPHRASE },
      client: { retries: 2 },
    });
    try {
      expect(app.get(ChainClient).nodes).toEqual([
        'http://127.0.0.1:7201',
        'http://127.0.0.1:7202',
      ]);
      const keystore = app.get(Keystore);
      expect(keystore.names()).toEqual(['invoice']);
      expect(keystore.signer('invoice').org).toBe('acme-bank');
    } finally {
      await app.close();
    }
  });

  it('forRoot_withoutAKeystore_providesTheClientOnly', async () => {
    const app = await context({ nodes: ['http://127.0.0.1:7201'] });
    try {
      expect(app.get(ChainClient)).toBeInstanceOf(ChainClient);
      expect(() => app.get(Keystore)).toThrow();
    } finally {
      await app.close();
    }
  });

  it('wrongPassphrase_failsTheStart_withTheTypedError', async () => {
    await expect(
      context({
        nodes: ['http://127.0.0.1:7201'],
        keystore: { path, passphrase: 'wrong passphrase' },
      }),
    ).rejects.toBeInstanceOf(KeystoreError);
  });

  it('badNodeUrl_failsWhenTheModuleIsBuilt_namingTheField', () => {
    expect(() => ChainModule.forRoot({ nodes: ['ws://x'] })).toThrow(/options\.nodes\[0\]/);
  });
});

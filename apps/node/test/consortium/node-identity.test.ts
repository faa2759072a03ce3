// A node started from init's files finds itself in genesis; one started with another node's
// key, a name genesis does not list, or the wrong role is refused, naming the config field.
import {
  describeInit,
  describeIssued,
  type InitConsortiumResult,
  issueCertificate,
  loadNodeConfig,
  loadSecretKey,
  nodeGenesisEntry,
} from '../../src/consortium';
import { join } from 'node:path';
import { consortiumErrorOf, initDefault, NOW, Scratch } from './support';

let scratch: Scratch;
let result: InitConsortiumResult;
beforeAll(async () => {
  scratch = new Scratch();
  result = await initDefault(scratch.dir());
}, 60_000);
afterAll(() => scratch.dispose());

function configOf(name: string) {
  return loadNodeConfig(result.nodes.find((n) => n.name === name)!.configFile);
}

describe('nodeGenesisEntry', () => {
  it('entry_ofEachInitNode_isItsGenesisEntry', () => {
    for (const node of result.nodes) {
      const config = configOf(node.name);
      const key =
        config.consensusKey === undefined
          ? undefined
          : loadSecretKey(config.consensusKey, result.genesis.suite);
      const found = nodeGenesisEntry(config, result.genesis, key);
      expect([found.role, found.entry.name, found.entry.address.text]).toEqual([
        node.role,
        node.name,
        node.listen,
      ]);
    }
  });

  it('entry_withAnotherValidatorsKey_isRefusedAtConsensusKey', async () => {
    const config = configOf('court-node');
    const wrongKey = loadSecretKey(configOf('bank-node').consensusKey!, 'ed25519');
    const error = await consortiumErrorOf(
      () => nodeGenesisEntry(config, result.genesis, wrongKey),
      'invalid-config',
    );
    expect(error.issues[0]!.path).toBe('consensusKey');
    expect(error.file).toBe(config.file);
    await consortiumErrorOf(() => nodeGenesisEntry(config, result.genesis), 'invalid-config');
  });

  it('entry_unlistedNameOrWrongRole_isRefusedAtThatField', async () => {
    const config = configOf('bank-observer');
    const unlisted = await consortiumErrorOf(
      () => nodeGenesisEntry({ ...config, name: 'bank-observer-2' }, result.genesis),
      'invalid-config',
    );
    expect(unlisted.issues[0]!.path).toBe('name');
    const wrongRole = await consortiumErrorOf(
      () => nodeGenesisEntry({ ...config, role: 'validator' }, result.genesis),
      'invalid-config',
    );
    expect(wrongRole.issues[0]).toEqual({
      path: 'role',
      message: 'bank-observer is an observer in genesis, not a validator',
    });
  });
});

describe('CLI reports', () => {
  it('describeInit_listsHashAndEveryNodeWithItsPorts', () => {
    const text = describeInit(result);
    expect(text).toContain(`genesis hash ${result.genesisHash}`);
    expect(text).toContain('tax-bureau (Tax Bureau), bank (Commercial Bank)');
    expect(text).toMatch(
      /validator +manufacturer-node +p2p 127\.0\.0\.1:7104 +api 127\.0\.0\.1:7204/,
    );
    expect(text).toMatch(/observer +bank-observer +p2p 127\.0\.0\.1:7105/);
  });

  it('describeIssued_namesMemberSerialAndFiles', async () => {
    const issued = await issueCertificate({
      dir: result.dir,
      org: 'bank',
      kind: 'service',
      name: 'bank-app',
      roles: ['service'],
      out: join(scratch.dir(), 'bank-app'),
      validityDays: 30,
      now: NOW,
    });
    const text = describeIssued(issued);
    expect(text).toContain('service bank-app of bank, roles service');
    expect(text).toContain(`serial ${issued.member.serialHex}, ed25519 key`);
    expect(text).toContain(`private key ${issued.keyFile} (0600)`);
  });
});

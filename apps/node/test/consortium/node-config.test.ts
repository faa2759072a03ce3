// `loadNodeConfig`: paths resolved against the file, every field checked, and every error names
// the field and the file.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadNodeConfig, type NodeConfigDocument } from '../../src/consortium';
import { consortiumErrorOf, Scratch } from './support';

const VALID: NodeConfigDocument = {
  format: 'trellis-node/v1',
  name: 'tax-bureau-node',
  role: 'validator',
  genesis: '../../genesis.json',
  dataDir: './data',
  listen: '127.0.0.1:7101',
  api: '127.0.0.1:7201',
  tls: { certificate: 'node.pem', key: 'node.key' },
  consensusKey: 'consensus.key',
  logLevel: 'info',
};

let scratch: Scratch;
let dir: string;
beforeAll(() => {
  scratch = new Scratch();
  dir = scratch.dir();
});
afterAll(() => scratch.dispose());

let counter = 0;
function writeConfig(content: unknown): string {
  const file = join(dir, `config-${++counter}.json`);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

async function issuesOf(content: unknown): Promise<[string, string][]> {
  const file = writeConfig(content);
  const error = await consortiumErrorOf(() => loadNodeConfig(file), 'invalid-config');
  expect(error.file).toBe(file);
  expect(error.message.startsWith(`${file}: `)).toBe(true);
  return error.issues.map((issue) => [issue.path, issue.message]);
}

describe('loadNodeConfig', () => {
  it('load_validConfig_resolvesPathsAgainstTheFile', () => {
    const config = loadNodeConfig(writeConfig(VALID));
    expect(config).toMatchObject({
      name: 'tax-bureau-node',
      role: 'validator',
      genesis: join(dir, '..', '..', 'genesis.json'),
      dataDir: join(dir, 'data'),
      tls: { certificate: join(dir, 'node.pem'), key: join(dir, 'node.key') },
      consensusKey: join(dir, 'consensus.key'),
      logLevel: 'info',
    });
    expect(config.listen).toEqual({ host: '127.0.0.1', port: 7101, text: '127.0.0.1:7101' });
    expect(config.api.port).toBe(7201);
  });

  it('load_absolutePathsAndDefaultLogLevel_areKept', () => {
    const { logLevel: _, ...rest } = VALID;
    const config = loadNodeConfig(writeConfig({ ...rest, dataDir: '/var/lib/trellis' }));
    expect(config.dataDir).toBe('/var/lib/trellis');
    expect(config.logLevel).toBe('info');
  });

  it('load_missingField_namesIt', async () => {
    const { api: _, ...rest } = VALID;
    expect(await issuesOf(rest)).toEqual([['api', expect.stringContaining('is missing')]]);
  });

  it('load_badFields_namesEach', async () => {
    const issues = await issuesOf({
      ...VALID,
      format: 'trellis-node/v2',
      name: 'Tax Bureau',
      role: 'leader',
      listen: 'localhost',
      tls: { certificate: '', key: 'node.key' },
      logLevel: 'verbose',
      extra: true,
    });
    expect(issues.map(([path]) => path).sort()).toEqual(
      ['$', 'format', 'listen', 'logLevel', 'name', 'role', 'tls.certificate'].sort(),
    );
    expect(issues).toContainEqual([
      'listen',
      expect.stringContaining('"localhost" is not "host:port"'),
    ]);
    expect(issues).toContainEqual(['$', expect.stringContaining('"extra"')]);
  });

  it('load_validatorWithoutConsensusKey_isRefused', async () => {
    const { consensusKey: _, ...rest } = VALID;
    expect(await issuesOf(rest)).toEqual([['consensusKey', expect.stringContaining('validator')]]);
  });

  it('load_observerWithConsensusKey_isRefused', async () => {
    expect(await issuesOf({ ...VALID, role: 'observer' })).toEqual([
      ['consensusKey', expect.stringContaining('observer')],
    ]);
  });

  it('load_dialAddresses_areParsedByPeerName_andBadOnesNamed', async () => {
    const config = loadNodeConfig(
      writeConfig({ ...VALID, dialAddresses: { 'bank-node': '10.0.0.7:7102' } }),
    );
    expect([...config.dialAddresses]).toEqual([
      ['bank-node', { host: '10.0.0.7', port: 7102, text: '10.0.0.7:7102' }],
    ]);
    expect(loadNodeConfig(writeConfig(VALID)).dialAddresses.size).toBe(0);
    const issues = await issuesOf({
      ...VALID,
      dialAddresses: { 'bank-node': 'nowhere', 'Bad Name': '127.0.0.1:1' },
    });
    expect(issues.map(([path]) => path).sort()).toEqual(
      ['dialAddresses.Bad Name', 'dialAddresses.bank-node'].sort(),
    );
  });

  it('load_portZero_isAcceptedForListeningOnly', () => {
    expect(loadNodeConfig(writeConfig({ ...VALID, api: '127.0.0.1:0' })).api.port).toBe(0);
  });

  it('load_notJson_isInvalidConfigAndMissingFileUnreadable', async () => {
    expect(await issuesOf('{ "format": ')).toEqual([['$', expect.any(String)]]);
    const missing = join(dir, 'absent.json');
    const error = await consortiumErrorOf(() => loadNodeConfig(missing), 'unreadable-file');
    expect(error.file).toBe(missing);
  });
});

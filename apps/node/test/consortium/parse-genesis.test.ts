// `parseGenesis` refuses every kind of bad genesis with an issue naming the JSON path, and
// `hashGenesis` depends on the content only, not on how the file is spelt.
import { createOrgCa, issueMemberCertificate, toHex } from '@trellis/chain-core';
import { readFileSync } from 'node:fs';
import {
  genesisDocument,
  hashGenesis,
  type InitConsortiumResult,
  parseGenesis,
} from '../../src/consortium';
import { consortiumErrorOf, initDefault, NOW, Scratch } from './support';

type Doc = {
  [key: string]: unknown;
  organisations: { id: string; name: string; caCertificate: string }[];
  certificates: string[];
  validators: { org: string; name: string; publicKey: string; address: string }[];
  observers: { org: string; name: string; address: string }[];
};

let scratch: Scratch;
let result: InitConsortiumResult;
let text: string;
beforeAll(async () => {
  scratch = new Scratch();
  result = await initDefault(scratch.dir());
  text = readFileSync(result.genesisFile, 'utf8');
}, 60_000);
afterAll(() => scratch.dispose());

/** A copy of the written genesis, changed by `edit`. */
function edited(edit: (doc: Doc) => void): string {
  const doc = JSON.parse(text) as Doc;
  edit(doc);
  return JSON.stringify(doc);
}

/** The issues parseGenesis reports for `input`, as [path, message]. */
async function issuesOf(input: string): Promise<[string, string][]> {
  const error = await consortiumErrorOf(
    () => parseGenesis(input, 'genesis.json'),
    'invalid-genesis',
  );
  expect(error.file).toBe('genesis.json');
  return error.issues.map((issue) => [issue.path, issue.message]);
}

/** A node certificate and a CA from outside the consortium, valid at the genesis time. */
async function outsideCa(orgId: string) {
  const validity = {
    notBefore: new Date(NOW.getTime() - 3_600_000),
    notAfter: new Date(NOW.getTime() + 86_400_000),
  };
  const ca = await createOrgCa({ orgId, name: 'Look-alike', validity });
  const member = await issueMemberCertificate({
    ca: ca.certificate,
    caKey: ca.privateKey,
    subjectName: `${orgId}-admin`,
    kind: 'user',
    roles: ['admin'],
    validity,
  });
  return { ca: ca.certificate, member: member.certificate };
}

describe('parseGenesis', () => {
  it('parse_writtenGenesis_roundTripsToTheSameDocumentAndHash', async () => {
    const genesis = await parseGenesis(text);
    expect(JSON.parse(JSON.stringify(genesisDocument(genesis)))).toEqual(JSON.parse(text));
    expect(toHex(hashGenesis(genesis))).toBe(result.genesisHash);
  });

  it('hash_ignoresIndentationKeyOrderAndPemLineEndings', async () => {
    const doc = JSON.parse(text) as Doc;
    const reordered = Object.fromEntries(Object.entries(doc).reverse());
    const crlf = JSON.stringify(reordered).replace(/\\n/g, '\\r\\n');
    const genesis = await parseGenesis(crlf);
    expect(toHex(hashGenesis(genesis))).toBe(result.genesisHash);
  });

  it('hash_changesWithAnyContent', async () => {
    const changed = await parseGenesis(edited((doc) => (doc.parameters = { blockTimeMs: 500 })));
    expect(toHex(hashGenesis(changed))).not.toBe(result.genesisHash);
  });

  it('parse_notJson_isRefusedAtTheRoot', async () => {
    expect(await issuesOf('{"format":')).toEqual([['$', expect.stringContaining('not JSON')]]);
  });

  it('parse_missingField_namesIt', async () => {
    const issues = await issuesOf(edited((doc) => delete doc.chainId));
    expect(issues).toEqual([['chainId', expect.stringContaining('is missing')]]);
  });

  it('parse_unknownFieldOrWrongFormat_namesIt', async () => {
    expect(
      await issuesOf(
        edited((doc) => {
          doc.format = 'trellis-genesis/v2';
          (doc.validators[1] as Record<string, unknown>).weight = 2;
        }),
      ),
    ).toEqual([
      ['format', expect.any(String)],
      ['validators[1]', expect.stringContaining('"weight"')],
    ]);
  });

  it('parse_validatorOfUnknownOrg_namesTheValidatorsOrg', async () => {
    const issues = await issuesOf(edited((doc) => (doc.validators[2]!.org = 'ministry')));
    expect(issues).toEqual([['validators[2].org', expect.stringContaining('"ministry"')]]);
  });

  it('parse_observerOfUnknownOrg_namesTheObserversOrg', async () => {
    const issues = await issuesOf(edited((doc) => (doc.observers[0]!.org = 'ministry')));
    expect(issues).toEqual([['observers[0].org', expect.any(String)]]);
  });

  it('parse_duplicateValidatorKey_namesTheSecondValidator', async () => {
    const issues = await issuesOf(
      edited((doc) => (doc.validators[3]!.publicKey = doc.validators[1]!.publicKey)),
    );
    expect(issues).toEqual([
      ['validators[3].publicKey', 'the same key as validators[1].publicKey'],
    ]);
  });

  it('parse_badValidatorKey_namesIt', async () => {
    const issues = await issuesOf(
      edited((doc) => {
        doc.validators[0]!.publicKey = 'ab'.repeat(31);
        doc.validators[1]!.publicKey = doc.validators[1]!.publicKey.toUpperCase();
      }),
    );
    expect(issues).toEqual([
      ['validators[1].publicKey', expect.stringContaining('lower-case hex')],
    ]);
    const short = await issuesOf(edited((doc) => (doc.validators[0]!.publicKey = 'ab'.repeat(31))));
    expect(short).toEqual([
      ['validators[0].publicKey', expect.stringContaining('32 bytes, got 31')],
    ]);
  });

  it('parse_duplicateNamesAndAddresses_areRefused', async () => {
    const issues = await issuesOf(
      edited((doc) => {
        doc.validators[1]!.name = doc.validators[0]!.name;
        doc.observers[0]!.address = doc.validators[2]!.address;
      }),
    );
    expect(issues).toEqual([
      ['validators[1].name', 'tax-bureau-node is also validators[0].name'],
      ['observers[0].address', '127.0.0.1:7103 is also validators[2].address'],
    ]);
  });

  it('parse_badAddress_namesIt', async () => {
    for (const address of [
      '127.0.0.1',
      '127.0.0.1:0',
      '127.0.0.1:65536',
      'Node_1:7101',
      '[::1:7101',
      '::1:7101',
    ]) {
      const issues = await issuesOf(edited((doc) => (doc.validators[1]!.address = address)));
      expect(issues).toEqual([['validators[1].address', expect.any(String)]]);
    }
    await expect(
      parseGenesis(edited((doc) => (doc.validators[1]!.address = '[::1]:7101'))),
    ).resolves.toBeDefined();
  });

  it('parse_badPem_namesTheCaCertificate', async () => {
    const issues = await issuesOf(
      edited(
        (doc) =>
          (doc.organisations[1]!.caCertificate = doc.organisations[1]!.caCertificate.replace(
            'MII',
            'M*I',
          )),
      ),
    );
    expect(issues).toEqual([['organisations[1].caCertificate', expect.stringContaining('PEM')]]);
    const notACertificate = await issuesOf(
      edited(
        (doc) =>
          (doc.organisations[2]!.caCertificate =
            '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n'),
      ),
    );
    expect(notACertificate).toEqual([
      ['organisations[2].caCertificate', expect.stringContaining('malformed')],
    ]);
  });

  it('parse_caOfAnotherOrg_isOrgMismatchAtThatOrg', async () => {
    const issues = await issuesOf(
      edited((doc) => (doc.organisations[0]!.caCertificate = doc.organisations[1]!.caCertificate)),
    );
    expect(issues).toEqual([
      [
        'organisations[0].caCertificate',
        expect.stringMatching(/^org-mismatch: .*O=bank.*tax-bureau/),
      ],
    ]);
  });

  it('parse_memberCertificateAsCa_isNotACa', async () => {
    const issues = await issuesOf(
      edited((doc) => (doc.organisations[0]!.caCertificate = doc.certificates[0]!)),
    );
    expect(issues).toEqual([
      ['organisations[0].caCertificate', expect.stringMatching(/^malformed|^not-a-ca/)],
    ]);
  });

  it('parse_certificateFromNonMemberCa_namesTheCertificate', async () => {
    const outsider = await outsideCa('bank');
    const issues = await issuesOf(edited((doc) => doc.certificates.push(outsider.member)));
    expect(issues).toEqual([['certificates[8]', expect.stringMatching(/^unknown-issuer: /)]]);
  });

  it('parse_certificateOfAnOrgNotInGenesis_isUnknownIssuer', async () => {
    const outsider = await outsideCa('ministry');
    const issues = await issuesOf(edited((doc) => doc.certificates.splice(1, 0, outsider.member)));
    expect(issues).toEqual([['certificates[1]', expect.stringMatching(/^unknown-issuer: /)]]);
  });

  it('parse_certificateListedTwice_isRefused', async () => {
    const issues = await issuesOf(edited((doc) => doc.certificates.push(doc.certificates[2]!)));
    expect(issues).toEqual([['certificates[8]', expect.stringContaining('as certificates[2]')]]);
  });

  it('parse_certificateNotYetValidAtGenesisTime_isRefused', async () => {
    const issues = await issuesOf(
      edited((doc) => (doc.timestampMs = String(NOW.getTime() - 2 * 3_600_000))),
    );
    // The CAs are checked first, at load; they are valid from an hour before NOW too, so the
    // first certificate reports it.
    expect(issues[0]).toEqual(['certificates[0]', expect.stringMatching(/^not-yet-valid: /)]);
  });

  it('parse_duplicateOrganisation_namesTheSecond', async () => {
    const issues = await issuesOf(edited((doc) => doc.organisations.push(doc.organisations[0]!)));
    expect(issues).toEqual([['organisations[4].id', 'tax-bureau is listed twice']]);
  });

  it('parse_badTimestamp_namesIt', async () => {
    expect(
      await issuesOf(edited((doc) => (doc.timestampMs = 1763700000000 as unknown as string))),
    ).toEqual([['timestampMs', expect.any(String)]]);
    expect(await issuesOf(edited((doc) => (doc.timestampMs = '9999999999999999')))).toEqual([
      ['timestampMs', expect.stringContaining('beyond')],
    ]);
  });
});

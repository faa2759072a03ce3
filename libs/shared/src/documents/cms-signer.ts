import { createHash, webcrypto } from 'node:crypto';
import { Signer } from '@signpdf/utils';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { DocumentError } from './document-error';
import type { CheckedSigner } from './pdf-signer';

// RFC 5652 / RFC 5035 object identifiers.
const OID_DATA = '1.2.840.113549.1.7.1';
const OID_SIGNED_DATA = '1.2.840.113549.1.7.2';
const OID_CONTENT_TYPE = '1.2.840.113549.1.9.3';
const OID_MESSAGE_DIGEST = '1.2.840.113549.1.9.4';
const OID_SIGNING_TIME = '1.2.840.113549.1.9.5';
const OID_SIGNING_CERTIFICATE_V2 = '1.2.840.113549.1.9.16.2.47';

/** A pkijs engine over Node's WebCrypto, passed explicitly so no global engine is set. */
const engine = new pkijs.CryptoEngine({
  name: 'node-webcrypto',
  crypto: webcrypto as unknown as ConstructorParameters<typeof pkijs.CryptoEngine>[0]['crypto'],
});

function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

/** RFC 5652 §11.3: UTCTime through 2049, GeneralizedTime from 2050. */
function cmsTime(at: Date): asn1js.UTCTime | asn1js.GeneralizedTime {
  return at.getUTCFullYear() < 2050
    ? new asn1js.UTCTime({ valueDate: at })
    : new asn1js.GeneralizedTime({ valueDate: at });
}

/**
 * ESS signing-certificate-v2 (RFC 5035): binds the signature to the signer's certificate, so a
 * different certificate with the same key cannot be substituted. hashAlgorithm is omitted
 * because SHA-256 is its default.
 */
function signingCertificateV2(leaf: pkijs.Certificate, leafDer: Uint8Array): asn1js.Sequence {
  const certHash = createHash('sha256').update(leafDer).digest();
  const issuerSerial = new asn1js.Sequence({
    value: [
      new asn1js.Sequence({
        value: [new pkijs.GeneralName({ type: 4, value: leaf.issuer }).toSchema()],
      }),
      leaf.serialNumber,
    ],
  });
  const essCertIdV2 = new asn1js.Sequence({
    value: [new asn1js.OctetString({ valueHex: toArrayBuffer(certHash) }), issuerSerial],
  });
  return new asn1js.Sequence({ value: [new asn1js.Sequence({ value: [essCertIdV2] })] });
}

/** DER orders a SET OF by its elements' encodings (X.690 §11.6). */
function derSetOrder(attributes: pkijs.Attribute[]): pkijs.Attribute[] {
  const encoded = attributes.map((a) => ({ a, der: new Uint8Array(a.toSchema().toBER()) }));
  encoded.sort((x, y) => {
    const n = Math.max(x.der.length, y.der.length);
    for (let i = 0; i < n; i++) {
      const d = (x.der[i] ?? 0) - (y.der[i] ?? 0);
      if (d !== 0) return d;
    }
    return 0;
  });
  return encoded.map((e) => e.a);
}

/**
 * Makes the detached CMS SignedData (PKCS#7) a PDF signature holds: ECDSA P-256 with SHA-256
 * over signed attributes contentType, messageDigest (SHA-256 of the ByteRange bytes),
 * signingTime and signing-certificate-v2; the signer's certificate and its chain are embedded.
 */
export class CmsSigner extends Signer {
  constructor(private readonly signer: CheckedSigner) {
    super();
  }

  override async sign(pdfBuffer: Buffer, signingTime?: Date): Promise<Buffer> {
    try {
      return await this.build(pdfBuffer, signingTime ?? new Date());
    } catch (err) {
      if (err instanceof DocumentError) throw err;
      throw new DocumentError('signing-failed', `CMS signing failed: ${String(err)}`, undefined, {
        cause: err,
      });
    }
  }

  private async build(content: Buffer, signingTime: Date): Promise<Buffer> {
    const { leaf, leafDer, chain } = this.signer;
    const digest = createHash('sha256').update(content).digest();
    const attributes = derSetOrder([
      new pkijs.Attribute({
        type: OID_CONTENT_TYPE,
        values: [new asn1js.ObjectIdentifier({ value: OID_DATA })],
      }),
      new pkijs.Attribute({ type: OID_SIGNING_TIME, values: [cmsTime(signingTime)] }),
      new pkijs.Attribute({
        type: OID_MESSAGE_DIGEST,
        values: [new asn1js.OctetString({ valueHex: toArrayBuffer(digest) })],
      }),
      new pkijs.Attribute({
        type: OID_SIGNING_CERTIFICATE_V2,
        values: [signingCertificateV2(leaf, leafDer)],
      }),
    ]);
    const signedData = new pkijs.SignedData({
      version: 1,
      encapContentInfo: new pkijs.EncapsulatedContentInfo({ eContentType: OID_DATA }),
      signerInfos: [
        new pkijs.SignerInfo({
          version: 1,
          sid: new pkijs.IssuerAndSerialNumber({
            issuer: leaf.issuer,
            serialNumber: leaf.serialNumber,
          }),
          signedAttrs: new pkijs.SignedAndUnsignedAttributes({ type: 0, attributes }),
        }),
      ],
      certificates: [leaf, ...chain],
    });
    const pkcs8 = this.signer.privateKey.export({ format: 'der', type: 'pkcs8' });
    const key = await webcrypto.subtle.importKey(
      'pkcs8',
      pkcs8,
      { name: 'ECDSA', namedCurve: 'P-256' },
      false,
      ['sign'],
    );
    await signedData.sign(
      key as unknown as Parameters<pkijs.SignedData['sign']>[0],
      0,
      'SHA-256',
      undefined,
      engine,
    );
    const der = new pkijs.ContentInfo({
      contentType: OID_SIGNED_DATA,
      content: signedData.toSchema(true),
    })
      .toSchema()
      .toBER();
    // Check our own output, parsed back from its bytes, before it goes into a court document.
    const parsed = new pkijs.SignedData({ schema: pkijs.ContentInfo.fromBER(der).content });
    const ok = await parsed.verify(
      { signer: 0, data: toArrayBuffer(content), checkChain: false },
      engine,
    );
    if (!ok) throw new DocumentError('signing-failed', 'the CMS signature did not verify');
    return Buffer.from(der);
  }
}

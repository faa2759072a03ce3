import { plainAddPlaceholder } from '@signpdf/placeholder-plain';
import { SignPdf } from '@signpdf/signpdf';
import { SUBFILTER_ADOBE_PKCS7_DETACHED } from '@signpdf/utils';
import { CertificateError } from './certificate.error';
import { type CertificateFacts, checkFacts } from './certificate.facts';
import { type FontFile, SYSTEM_FONT_CANDIDATES, presentFonts } from './certificate.fonts';
import { layoutCertificate } from './certificate.layout';
import { type CertificateSigner, checkSigner } from './certificate.signer';
import { CmsSigner } from './cms-signer';

export { CertificateError, type CertificateErrorCode } from './certificate.error';
export type { CertificateFacts } from './certificate.facts';
export type { CertificateSigner } from './certificate.signer';
export type { FontFile } from './certificate.fonts';
export { qrDarkModules, type QrModules } from './qr-modules';

export interface RenderOptions {
  /**
   * Fonts to try first for titles and names Helvetica cannot draw (e.g. a CJK face), before
   * the system candidates.
   */
  fonts?: readonly FontFile[];
}

/**
 * Renders the one-page A4 evidence certificate of a deposit and signs it: a detached CMS
 * (SubFilter adbe.pkcs7.detached, ECDSA P-256 + SHA-256) over the PDF's ByteRange.
 * Throws `CertificateError` ('invalid-facts' | 'invalid-signer' naming the `field`,
 * 'render-failed', 'signing-failed').
 */
export async function renderEvidenceCertificate(
  facts: CertificateFacts,
  signer: CertificateSigner,
  options: RenderOptions = {},
): Promise<Buffer> {
  const f = checkFacts(facts);
  const s = checkSigner(signer, f.issuedAt);
  const unsigned = await layoutCertificate(
    f,
    {
      commonName: s.commonName,
      organisation: s.organisation,
      serialHex: Buffer.from(s.leaf.serialNumber.valueBlock.valueHexView).toString('hex'),
      reason: s.reason,
    },
    presentFonts([...(options.fonts ?? []), ...SYSTEM_FONT_CANDIDATES]),
  );
  // The CMS holds the certificates and an ECDSA signature of at most 72 bytes; leave room.
  const certBytes = [s.leafDer.length, ...s.chain.map((c) => c.toSchema().toBER().byteLength)];
  const signatureLength = certBytes.reduce((a, b) => a + b, 0) + 2048;
  try {
    const withPlaceholder = plainAddPlaceholder({
      pdfBuffer: unsigned,
      reason: s.reason,
      contactInfo: '',
      name: s.commonName.replace(/[^\x20-\x7e]/g, '?'),
      location: s.location,
      signingTime: f.issuedAt,
      signatureLength,
      subFilter: SUBFILTER_ADOBE_PKCS7_DETACHED,
      // Written as a PDF name, so no spaces.
      appName: 'Trellis-judicial-evidence',
    });
    return await new SignPdf().sign(withPlaceholder, new CmsSigner(s), f.issuedAt);
  } catch (err) {
    if (err instanceof CertificateError) throw err;
    throw new CertificateError(
      'signing-failed',
      `signing the PDF failed: ${String(err)}`,
      undefined,
      {
        cause: err,
      },
    );
  }
}

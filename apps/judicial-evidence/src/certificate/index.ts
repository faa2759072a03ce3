import {
  type FontFile,
  type PdfSigner,
  SYSTEM_FONT_CANDIDATES,
  checkPdfSigner,
  presentFonts,
  signPdf,
} from '@trellis/shared/documents';
import { type CertificateFacts, checkFacts } from './certificate.facts';
import { layoutCertificate } from './certificate.layout';

// The evidence module names them after what it makes; they are the shared documents' types.
export {
  DocumentError as CertificateError,
  type DocumentErrorCode as CertificateErrorCode,
  type FontFile,
  type PdfSigner as CertificateSigner,
  type QrModules,
  qrDarkModules,
} from '@trellis/shared/documents';
export type { CertificateFacts } from './certificate.facts';

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
  signer: PdfSigner,
  options: RenderOptions = {},
): Promise<Buffer> {
  const f = checkFacts(facts);
  const s = checkPdfSigner(signer, f.issuedAt, 'Trellis evidence certificate');
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
  return signPdf(unsigned, s, { signingTime: f.issuedAt, appName: 'Trellis-judicial-evidence' });
}

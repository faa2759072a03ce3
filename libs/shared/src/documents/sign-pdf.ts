import { plainAddPlaceholder } from '@signpdf/placeholder-plain';
import { SignPdf } from '@signpdf/signpdf';
import { SUBFILTER_ADOBE_PKCS7_DETACHED } from '@signpdf/utils';
import { CmsSigner } from './cms-signer';
import { DocumentError } from './document-error';
import type { CheckedSigner } from './pdf-signer';

/**
 * Signs a PDF (as pdfkit wrote it): a detached CMS (SubFilter adbe.pkcs7.detached, ECDSA P-256 +
 * SHA-256, the signer's certificate and chain embedded) over the ByteRange, placed with
 * @signpdf/placeholder-plain. `pdfsig` reports it valid.
 */
export async function signPdf(
  unsigned: Buffer,
  s: CheckedSigner,
  options: { readonly signingTime: Date; readonly appName: string },
): Promise<Buffer> {
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
      signingTime: options.signingTime,
      signatureLength,
      subFilter: SUBFILTER_ADOBE_PKCS7_DETACHED,
      // Written as a PDF name, so no spaces.
      appName: options.appName.replace(/[^A-Za-z0-9._-]/g, '-'),
    });
    return await new SignPdf().sign(withPlaceholder, new CmsSigner(s), options.signingTime);
  } catch (err) {
    if (err instanceof DocumentError) throw err;
    throw new DocumentError('signing-failed', `signing the PDF failed: ${String(err)}`, undefined, {
      cause: err,
    });
  }
}

// Signed PDF documents for every vertical: `@trellis/shared/documents` (pdfkit pages are laid
// out by the vertical; signing, fonts and QR modules are shared).
export { DocumentError } from './document-error';
export type { DocumentErrorCode } from './document-error';
export {
  type FontFile,
  SYSTEM_FONT_CANDIDATES,
  helveticaCanDraw,
  presentFonts,
  withCodePoints,
} from './fonts';
export { checkPdfSigner } from './pdf-signer';
export type { CheckedSigner, PdfSigner } from './pdf-signer';
export { qrDarkModules } from './qr-modules';
export type { QrModules } from './qr-modules';
export { signPdf } from './sign-pdf';

import QRCode from 'qrcode';

/** A QR symbol as the list of its dark modules, row-major. */
export interface QrModules {
  /** Modules per side (21 for version 1, +4 per version). */
  size: number;
  /** The dark modules, row-major: the certificate draws one square per entry. */
  dark: Array<{ row: number; col: number }>;
}

/** The QR code (error correction level M, as the certificate prints it) of `text`. */
export function qrDarkModules(text: string): QrModules {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const dark: QrModules['dark'] = [];
  for (let row = 0; row < modules.size; row++) {
    for (let col = 0; col < modules.size; col++) {
      if (modules.get(row, col)) dark.push({ row, col });
    }
  }
  return { size: modules.size, dark };
}

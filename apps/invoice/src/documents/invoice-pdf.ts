/**
 * The invoice as a signed PDF: one A4 page (more for long invoices) with the invoice's facts,
 * lines and totals in yuan (exact, from the integer minor units), its chain status when printed,
 * and a QR code of the portal page that shows the invoice's current chain status. Signed by the
 * merchant organisation's document key (`@trellis/shared/documents`), so `pdfsig` and PDF
 * readers tell a changed copy. Text Helvetica cannot draw (e.g. Chinese names when no CJK font
 * is installed) is printed as code points; the exact names are in the chain's record.
 */
import PDFDocument from 'pdfkit';
import {
  type PdfSigner,
  checkPdfSigner,
  helveticaCanDraw,
  qrDarkModules,
  signPdf,
  withCodePoints,
} from '@trellis/shared/documents';
import type { InvoiceView } from '../read-model/invoice-read-model';

export interface InvoicePdfInput {
  readonly invoice: InvoiceView;
  readonly merchantName: string;
  /** The portal page of this invoice (the QR code). */
  readonly verifyUrl: string;
  readonly printedAt: Date;
}

/** Minor units (fen) as yuan with two decimals, exactly. */
export function yuan(minor: string | bigint): string {
  const v = BigInt(minor);
  const sign = v < 0n ? '-' : '';
  const abs = v < 0n ? -v : v;
  const whole = (abs / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}${whole}.${(abs % 100n).toString().padStart(2, '0')}`;
}

const printable = (text: string): string =>
  helveticaCanDraw(text) ? text : withCodePoints(text, (cp) => cp >= 0x20 && cp <= 0xff).text;

/** China Standard Time (UTC+8, no daylight saving) as YYYY-MM-DD HH:MM. */
const cst = (iso: string): string =>
  new Date(Date.parse(iso) + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');

function layout(input: InvoicePdfInput): Promise<Buffer> {
  const { invoice: v } = input;
  const doc = new PDFDocument({
    size: 'A4',
    margin: 48,
    info: {
      Title: `${v.kind === 'credit-note' ? 'Credit note' : 'Invoice'} ${v.number}`,
      Author: input.merchantName,
      Subject: `Trellis e-invoice ${v.number}`,
      Creator: 'Trellis e-invoice',
    },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const left = 48;
  const width = doc.page.width - 96;

  doc.font('Helvetica-Bold').fontSize(18);
  doc.text(
    v.kind === 'credit-note' ? 'Credit note (red-letter invoice)' : 'Electronic invoice',
    left,
    48,
  );
  doc.font('Helvetica').fontSize(10).fillColor('#444');
  doc.text('Fully digitalised e-invoice recorded on the Trellis consortium chain', left);
  doc.moveDown(0.8).fillColor('#000');

  const row = (label: string, value: string) => {
    const y = doc.y;
    doc.font('Helvetica-Bold').fontSize(9).text(label, left, y, { width: 130 });
    doc
      .font('Helvetica')
      .fontSize(9)
      .text(printable(value), left + 135, y, { width: width - 135 - 120 });
    doc.moveDown(0.25);
  };
  const top = doc.y;
  row('Invoice number', v.number);
  row('Issued', `${cst(v.issuedAt)} (China Standard Time), block ${v.issuedHeight}`);
  row('Seller', `${input.merchantName}, tax id ${v.merchant.taxId}`);
  row('Buyer', `${v.buyer.name}${v.buyer.taxId ? `, tax id ${v.buyer.taxId}` : ''}`);
  if (v.paymentId) row('Payment', v.paymentId);
  if (v.original) row('Credits invoice', `${v.original}${v.reason ? ` (${v.reason})` : ''}`);
  row(
    'Chain status',
    `${v.status}${v.frozen ? ', FROZEN by the tax bureau' : ''} (as of ${cst(input.printedAt.toISOString())}; scan the code for now)`,
  );
  row('Transaction', v.txId);

  // QR code of the portal page, top right.
  const qr = qrDarkModules(input.verifyUrl);
  const cell = 104 / qr.size;
  const qx = left + width - 104;
  for (const { row: r, col } of qr.dark) doc.rect(qx + col * cell, top + r * cell, cell, cell);
  doc.fill('#000');
  doc.y = Math.max(doc.y, top + 112);

  doc.moveDown(0.6);
  const cols = [
    { title: 'Item', x: left, w: 170, align: 'left' as const },
    { title: 'Qty', x: left + 175, w: 40, align: 'right' as const },
    { title: 'Unit price', x: left + 220, w: 70, align: 'right' as const },
    { title: 'Net', x: left + 295, w: 75, align: 'right' as const },
    { title: 'Rate', x: left + 375, w: 40, align: 'right' as const },
    { title: 'Tax', x: left + 420, w: width - 420, align: 'right' as const },
  ];
  const line = (cells: string[], bold = false) => {
    const y = doc.y;
    doc.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(9);
    let bottom = y;
    cells.forEach((c, i) => {
      const col = cols[i]!;
      doc.text(c, col.x, y, { width: col.w, align: col.align });
      bottom = Math.max(bottom, doc.y);
    });
    doc.y = bottom + 3;
    doc.x = left;
  };
  line(
    cols.map((c) => c.title),
    true,
  );
  doc
    .moveTo(left, doc.y)
    .lineTo(left + width, doc.y)
    .stroke('#999');
  doc.moveDown(0.3);
  for (const l of v.lines) {
    if (doc.y > doc.page.height - 140) doc.addPage();
    const rate = BigInt(String(l['taxRateBasisPoints']));
    line([
      printable(String(l['description'])),
      String(l['quantity']),
      yuan(String(l['unitPriceMinor'])),
      yuan(String(l['netMinor'])),
      `${rate / 100n}.${(rate % 100n).toString().padStart(2, '0')} %`,
      yuan(String(l['taxMinor'])),
    ]);
  }
  doc
    .moveTo(left, doc.y)
    .lineTo(left + width, doc.y)
    .stroke('#999');
  doc.moveDown(0.4);
  line(['Total (CNY)', '', '', yuan(v.netMinor), '', yuan(v.taxMinor)], true);
  line([`Amount due incl. tax: ${yuan(v.grossMinor)} CNY`, '', '', '', '', ''], true);
  if (v.kind === 'invoice' && v.creditedMinor !== '0') {
    line([`Credited so far: ${yuan(v.creditedMinor)} CNY`, '', '', '', '', '']);
  }
  doc.moveDown(0.8);
  doc.font('Helvetica').fontSize(8).fillColor('#444');
  doc.text(
    'Tax is computed per line and rounded half up to the fen; totals are sums of the lines. This PDF is signed by the ' +
      "merchant organisation; the chain's record is authoritative: the QR code opens the invoice's page with its " +
      `current status: ${input.verifyUrl}`,
    left,
    doc.y,
    { width },
  );
  doc.end();
  return done;
}

/** The signed invoice PDF. @throws DocumentError (`invalid-signer`, `signing-failed`). */
export async function renderInvoicePdf(input: InvoicePdfInput, signer: PdfSigner): Promise<Buffer> {
  const checked = checkPdfSigner(signer, input.printedAt, 'Trellis e-invoice');
  const unsigned = await layout(input);
  return signPdf(unsigned, checked, { signingTime: input.printedAt, appName: 'Trellis-e-invoice' });
}

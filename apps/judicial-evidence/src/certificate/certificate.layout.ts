import PDFDocument from 'pdfkit';
import { DocumentError as CertificateError } from '@trellis/shared/documents';
import type { CheckedFacts } from './certificate.facts';
import { type FontFile, helveticaCanDraw, withCodePoints } from '@trellis/shared/documents';
import { qrDarkModules } from '@trellis/shared/documents';

/** What the layout prints about the signer (the signature itself is added afterwards). */
export interface SignerSummary {
  commonName: string;
  organisation: string | null;
  serialHex: string;
  reason: string;
}

// A4 in points, and the page's grid.
const PAGE_W = 595.28;
const PAGE_H = 841.89;
const LEFT = 50;
const WIDTH = PAGE_W - 2 * LEFT;
const LABEL_W = 140;
const PAD = 6;
const VALUE_W = WIDTH - LABEL_W - 2 * PAD;
const QR_BOX = 132;
/** Where the body must end: above the footer rule. */
const BODY_END = PAGE_H - 66;
/** Text printed as code points grows sevenfold: beyond this many characters it is cut. */
const MAX_SUBSTITUTED = 480;

/** Font sizes of the parts whose height depends on the facts, largest first. */
interface Sizes {
  free: number;
  url: number;
  /** Padding inside the facts table's cells. */
  pad: number;
}
const SIZE_STEPS: readonly Sizes[] = [
  { free: 9.5, url: 8, pad: 6 },
  { free: 8.5, url: 7, pad: 5 },
  { free: 7.5, url: 6, pad: 4 },
  { free: 6.5, url: 5.5, pad: 3 },
  { free: 6, url: 5, pad: 2 },
];

const INK = '#1a1a1a';
const NAVY = '#1f3a5f';
const GREY = '#5a5a5a';
const RULE = '#b8c2cc';
const SHADE = '#eef2f6';

const SANS = 'Helvetica';
const SANS_BOLD = 'Helvetica-Bold';
const MONO = 'Courier';

/** pdfkit keeps the fontkit face of an embedded font here; read only to ask about glyph coverage. */
interface FontkitFaceHolder {
  _font?: { font?: { hasGlyphForCodePoint?: (codePoint: number) => boolean } };
}

/** Picks, per piece of free text, a font that can draw it; see `withCodePoints` for the fallback. */
class TextFonts {
  /** Loaded on first need, so Latin-1-only certificates embed no font at all. */
  private usable: string[] | null = null;
  /** Whether some text had to be printed as code points. */
  substituted = false;

  constructor(
    private readonly doc: PDFKit.PDFDocument,
    private readonly files: readonly FontFile[],
  ) {}

  private loaded(): string[] {
    if (this.usable !== null) return this.usable;
    const usable: string[] = [];
    this.files.forEach((file, i) => {
      const name = `free-text-${i}`;
      try {
        if (file.family === undefined) this.doc.registerFont(name, file.path);
        else this.doc.registerFont(name, file.path, file.family);
        this.doc.font(name); // loads it now, so a broken file is skipped here
        usable.push(name);
      } catch {
        // An unreadable or mislabelled font file: try the next one.
      }
    });
    this.usable = usable;
    return usable;
  }

  private coverage(name: string): (codePoint: number) => boolean {
    this.doc.font(name);
    const face = (this.doc as unknown as FontkitFaceHolder)._font?.font;
    const has = face?.hasGlyphForCodePoint;
    return typeof has === 'function' ? (cp) => cp === 0x20 || has.call(face, cp) : () => false;
  }

  /**
   * Selects the font for `text` on the document and returns the text to print with it: `text`
   * itself, or with code points for what no font draws (cut at `maxSubstituted` characters).
   */
  use(text: string, maxSubstituted = MAX_SUBSTITUTED): string {
    const cut = (t: string): string =>
      t.length <= maxSubstituted
        ? t
        : `${t.slice(0, maxSubstituted)}… (cut: see the document properties)`;
    if (helveticaCanDraw(text)) {
      this.doc.font(SANS);
      return text;
    }
    let best: { name: string; text: string; missing: number } | null = null;
    for (const name of this.loaded()) {
      const covers = this.coverage(name);
      const missing = [...text].filter((ch) => !covers(ch.codePointAt(0) ?? 0)).length;
      if (missing === 0) return text;
      if (best === null || missing < best.missing) {
        best = { name, text: withCodePoints(text, covers).text, missing };
      }
    }
    this.substituted = true;
    if (best !== null) {
      this.doc.font(best.name);
      return cut(best.text);
    }
    this.doc.font(SANS);
    return cut(withCodePoints(text, (cp) => helveticaCanDraw(String.fromCodePoint(cp))).text);
  }
}

/** Outlines and fills are drawn as polygons, so the page's only `re` operators are QR modules. */
function box(
  doc: PDFKit.PDFDocument,
  x: number,
  y: number,
  w: number,
  h: number,
): PDFKit.PDFDocument {
  return doc.polygon([x, y], [x + w, y], [x + w, y + h], [x, y + h]);
}

function hline(doc: PDFKit.PDFDocument, y: number, color = RULE, width = 0.5): void {
  doc
    .moveTo(LEFT, y)
    .lineTo(LEFT + WIDTH, y)
    .lineWidth(width)
    .strokeColor(color)
    .stroke();
}

function sectionHeading(doc: PDFKit.PDFDocument, y: number, text: string): number {
  doc.font(SANS_BOLD).fontSize(10.5).fillColor(NAVY).text(text.toUpperCase(), LEFT, y, {
    width: WIDTH,
    characterSpacing: 0.8,
  });
  const end = y + 15;
  hline(doc, end, NAVY, 0.8);
  return end + 6;
}

type Cell =
  | { kind: 'text'; value: string }
  | { kind: 'mono'; value: string }
  | { kind: 'muted'; value: string }
  /** Free text from the depositor: any script, any length up to the limit. */
  | { kind: 'free'; value: string };

interface Row {
  label: string;
  cell: Cell;
  /** A second, smaller line under the value (e.g. the organisation id). */
  note?: string;
}

function rows(f: CheckedFacts): Row[] {
  const link = (id: string | null, none: string): Cell =>
    id === null ? { kind: 'muted', value: none } : { kind: 'mono', value: id };
  return [
    { label: 'Deposit id (transaction id)', cell: { kind: 'mono', value: f.depositId } },
    { label: 'Evidence title', cell: { kind: 'free', value: f.title } },
    { label: 'Evidence type', cell: { kind: 'text', value: f.evidenceType } },
    { label: 'SHA-256 digest', cell: { kind: 'mono', value: f.sha256 }, note: 'FIPS 180-4' },
    { label: 'SM3 digest', cell: { kind: 'mono', value: f.sm3 }, note: 'GB/T 32905-2016' },
    {
      label: 'Depositor',
      cell: { kind: 'free', value: f.depositorName },
      note: `organisation id: ${f.depositorOrg}`,
    },
    {
      label: 'Deposited at (block time)',
      cell: { kind: 'text', value: `${f.depositedAt.toISOString()} (UTC)` },
    },
    { label: 'Block height', cell: { kind: 'text', value: f.height.toString() } },
    { label: 'Block hash', cell: link(f.blockHash, 'not known when this certificate was issued') },
    { label: 'Chain id', cell: { kind: 'text', value: f.chainId } },
    {
      label: 'Follows deposit',
      cell: link(f.parentDepositId, 'none: the first deposit of its evidence chain'),
    },
    { label: 'Corrects deposit', cell: link(f.correctsDepositId, 'none') },
  ];
}

/** Selects the cell's font on the document; returns the text to print and its size. */
function cellFont(
  doc: PDFKit.PDFDocument,
  fonts: TextFonts,
  cell: Cell,
  freeSize: number,
): { value: string; size: number } {
  switch (cell.kind) {
    case 'mono':
      doc.font(MONO);
      return { value: cell.value, size: 8.5 };
    case 'free':
      return { value: fonts.use(cell.value), size: freeSize };
    default:
      doc.font(SANS);
      return { value: cell.value, size: 9.5 };
  }
}

function factsTable(
  doc: PDFKit.PDFDocument,
  fonts: TextFonts,
  f: CheckedFacts,
  top: number,
  { free: freeSize, pad }: Sizes,
): number {
  let y = top;
  rows(f).forEach((row, i) => {
    const valueX = LEFT + LABEL_W + PAD;
    // Measure first, with the font the value will be drawn in.
    const { value, size } = cellFont(doc, fonts, row.cell, freeSize);
    doc.fontSize(size);
    const valueH = doc.heightOfString(value, { width: VALUE_W });
    const noteH = row.note === undefined ? 0 : 11;
    const labelH = doc
      .font(SANS_BOLD)
      .fontSize(8.5)
      .heightOfString(row.label, { width: LABEL_W - PAD });
    const h = Math.max(valueH + noteH, labelH) + 2 * pad;

    if (i % 2 === 0) box(doc, LEFT, y, WIDTH, h).fill(SHADE);
    doc.fillColor(NAVY).text(row.label, LEFT + PAD, y + pad + 0.5, { width: LABEL_W - PAD });
    cellFont(doc, fonts, row.cell, freeSize);
    doc
      .fontSize(size)
      .fillColor(row.cell.kind === 'muted' ? GREY : INK)
      .text(value, valueX, y + pad, { width: VALUE_W });
    if (row.note !== undefined) {
      doc
        .font(SANS)
        .fontSize(7.5)
        .fillColor(GREY)
        .text(row.note, valueX, y + pad + valueH + 1, { width: VALUE_W });
    }
    y += h;
    hline(doc, y);
  });
  // Frame the table and its label column.
  box(doc, LEFT, top, WIDTH, y - top)
    .lineWidth(0.8)
    .strokeColor(NAVY)
    .stroke();
  doc
    .moveTo(LEFT + LABEL_W, top)
    .lineTo(LEFT + LABEL_W, y)
    .lineWidth(0.5)
    .strokeColor(RULE)
    .stroke();
  return y;
}

/** Draws the QR code of `url` as one filled square per dark module, in a `side`-point square at (x, y). */
export function drawQr(
  doc: PDFKit.PDFDocument,
  url: string,
  x: number,
  y: number,
  side: number,
): void {
  const { size, dark } = qrDarkModules(url);
  const quiet = 4; // the quiet zone ISO/IEC 18004 asks for, in modules
  const m = side / (size + 2 * quiet);
  const ox = x + quiet * m;
  const oy = y + quiet * m;
  for (const { row, col } of dark) doc.rect(ox + col * m, oy + row * m, m, m);
  doc.fillColor('#000000').fill();
}

function note(f: CheckedFacts): string {
  return (
    `This certificate records that the evidence with these digests was deposited on the Trellis chain ` +
    `"${f.chainId}" at this block (height ${f.height.toString()}), in transaction ${f.depositId.slice(0, 16)}…. ` +
    `Only the digests are on the chain, not the evidence itself: whoever holds the evidence file can ` +
    `recompute its SHA-256 and SM3 digests and compare them with those above. Verify the deposit at the URL ` +
    `or QR code below without trusting the depositor: the verification page checks the chain's own proof of ` +
    `this deposit against the chain's genesis, independently of the organisation that issued this document.`
  );
}

function verification(
  doc: PDFKit.PDFDocument,
  fonts: TextFonts,
  f: CheckedFacts,
  signer: SignerSummary,
  top: number,
  urlSize: number,
): number {
  // The QR code in a framed white square on the left.
  box(doc, LEFT, top, QR_BOX, QR_BOX).lineWidth(0.8).strokeColor(NAVY).stroke();
  drawQr(doc, f.verifyUrl, LEFT + 1, top + 1, QR_BOX - 2);

  // The electronic signature panel on the right.
  const px = LEFT + QR_BOX + 14;
  const pw = WIDTH - QR_BOX - 14;
  box(doc, px, top, pw, QR_BOX).fill(SHADE);
  box(doc, px, top, pw, QR_BOX).lineWidth(0.8).strokeColor(NAVY).stroke();
  let y = top + 8;
  doc
    .font(SANS_BOLD)
    .fontSize(9.5)
    .fillColor(NAVY)
    .text('ELECTRONIC SIGNATURE', px + 10, y, {
      width: pw - 20,
      characterSpacing: 0.6,
    });
  y += 16;
  const line = (label: string, value: string, mono = false): void => {
    doc
      .font(SANS_BOLD)
      .fontSize(8)
      .fillColor(GREY)
      .text(label, px + 10, y, { width: 78 });
    if (mono) doc.font(MONO);
    else value = fonts.use(value);
    doc.fontSize(8).fillColor(INK);
    const h = doc.heightOfString(value, { width: pw - 98 });
    doc.text(value, px + 88, y, { width: pw - 98 });
    y += Math.max(h, 10) + 2;
  };
  line('Signed by', signer.commonName);
  if (signer.organisation !== null) line('Organisation', signer.organisation);
  line('Certificate no.', signer.serialHex, true);
  line('Signed at (UTC)', f.issuedAt.toISOString());
  line('Reason', signer.reason);
  doc
    .font(SANS)
    .fontSize(7.5)
    .fillColor(GREY)
    .text(
      'A PDF signature (CMS, ECDSA P-256 with SHA-256) covers this whole document: any change ' +
        "invalidates it. Check it in a PDF reader's signature panel.",
      px + 10,
      Math.max(y + 2, top + QR_BOX - 30),
      { width: pw - 20 },
    );

  // The URL the QR code encodes, printed in full under it.
  y = top + QR_BOX + 6;
  doc
    .font(SANS_BOLD)
    .fontSize(8)
    .fillColor(NAVY)
    .text('Verification URL (the QR code above encodes it):', LEFT, y, {
      width: WIDTH,
    });
  y += 11;
  doc.font(MONO).fontSize(urlSize).fillColor(INK);
  const h = doc.heightOfString(f.verifyUrl, { width: WIDTH });
  doc.text(f.verifyUrl, LEFT, y, { width: WIDTH });
  return y + h;
}

function newDocument(f: CheckedFacts): PDFKit.PDFDocument {
  return new PDFDocument({
    size: 'A4',
    margin: 0,
    autoFirstPage: true,
    pdfVersion: '1.7',
    lang: 'en',
    displayTitle: true,
    info: {
      Title: `Evidence deposit certificate ${f.depositId}`,
      Subject: f.title,
      Author: f.depositorName,
      Keywords: `sha256:${f.sha256} sm3:${f.sm3} chain:${f.chainId} height:${f.height.toString()}`,
      Creator: 'Trellis judicial-evidence service',
      Producer: 'Trellis judicial-evidence service (pdfkit)',
      // Fixed dates make the unsigned PDF a function of its inputs.
      CreationDate: f.issuedAt,
      ModDate: f.issuedAt,
    },
  });
}

/** Draws the page; returns where the body ended (it fits when that is at most BODY_END). */
function drawPage(
  doc: PDFKit.PDFDocument,
  fonts: TextFonts,
  f: CheckedFacts,
  signer: SignerSummary,
  sizes: Sizes,
): number {
  // Double frame around the page.
  box(doc, 24, 24, PAGE_W - 48, PAGE_H - 48)
    .lineWidth(1.4)
    .strokeColor(NAVY)
    .stroke();
  box(doc, 29, 29, PAGE_W - 58, PAGE_H - 58)
    .lineWidth(0.4)
    .strokeColor(NAVY)
    .stroke();

  doc
    .font(SANS_BOLD)
    .fontSize(8)
    .fillColor(NAVY)
    .text('TRELLIS CONSORTIUM CHAIN  ·  JUDICIAL EVIDENCE SERVICE', LEFT, 48, {
      width: WIDTH,
      align: 'center',
      characterSpacing: 0.4,
    });
  doc.font(SANS_BOLD).fontSize(22).fillColor(INK).text('Evidence deposit certificate', LEFT, 66, {
    width: WIDTH,
    align: 'center',
  });
  doc
    .font(SANS)
    .fontSize(9.5)
    .fillColor(GREY)
    .text(
      'Record of the deposit of evidence digests on the Trellis consortium blockchain',
      LEFT,
      96,
      {
        width: WIDTH,
        align: 'center',
      },
    )
    .fontSize(8.5)
    .text(`Issued ${f.issuedAt.toISOString()} (UTC)`, LEFT, 109, { width: WIDTH, align: 'center' });
  hline(doc, 124, NAVY, 1.2);
  hline(doc, 126.5, NAVY, 0.4);

  let y = sectionHeading(doc, 138, 'Deposit record');
  y = factsTable(doc, fonts, f, y, sizes);

  y = sectionHeading(doc, y + 14, 'What this certificate attests');
  doc.font(SANS).fontSize(9).fillColor(INK);
  const attest = note(f);
  doc.text(attest, LEFT, y, { width: WIDTH, align: 'justify', lineGap: 1.5 });
  y += doc.heightOfString(attest, { width: WIDTH, lineGap: 1.5 });

  y = sectionHeading(doc, y + 12, 'Verify this deposit');
  y = verification(doc, fonts, f, signer, y, sizes.url);

  if (fonts.substituted) {
    const why =
      'Text in [U+XXXX] brackets: Unicode code points no font on the issuing server could draw. ' +
      "The exact title and depositor name are also in this file's document properties (Subject, Author).";
    doc.font(SANS).fontSize(7).fillColor(GREY);
    doc.text(why, LEFT, y + 6, { width: WIDTH });
    y += 6 + doc.heightOfString(why, { width: WIDTH });
  }

  // Footer.
  hline(doc, PAGE_H - 62, RULE, 0.5);
  doc
    .font(SANS)
    .fontSize(7)
    .fillColor(GREY)
    .text(
      `Certificate for deposit ${f.depositId} on chain ${f.chainId}  ·  page 1 of 1`,
      LEFT,
      PAGE_H - 56,
      {
        width: WIDTH,
        align: 'center',
      },
    );
  return y;
}

function collect(doc: PDFKit.PDFDocument): Promise<Buffer> {
  const chunks: Buffer[] = [];
  return new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
}

/**
 * Lays the certificate out on one A4 page and returns the unsigned PDF. Long titles, names
 * and URLs are set smaller until the page holds them: the layout is drawn again at the next
 * size step when the body would run into the footer.
 */
export async function layoutCertificate(
  f: CheckedFacts,
  signer: SignerSummary,
  fontFiles: readonly FontFile[],
): Promise<Buffer> {
  try {
    for (const sizes of SIZE_STEPS) {
      const doc = newDocument(f);
      const pdf = collect(doc);
      let pages = 1;
      doc.on('pageAdded', () => (pages += 1));
      const end = drawPage(doc, new TextFonts(doc, fontFiles), f, signer, sizes);
      doc.end();
      if (end <= BODY_END && pages === 1) return await pdf;
      await pdf; // discard this attempt
    }
  } catch (err) {
    throw new CertificateError(
      'render-failed',
      `laying out the certificate failed: ${String(err)}`,
      undefined,
      {
        cause: err,
      },
    );
  }
  throw new CertificateError(
    'render-failed',
    'the facts do not fit on one page even at the smallest type',
  );
}

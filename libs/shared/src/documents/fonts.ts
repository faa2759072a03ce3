import { existsSync } from 'node:fs';

/** A TrueType/OpenType font file the certificate may embed for text Helvetica cannot draw. */
export interface FontFile {
  path: string;
  /** The PostScript name of the face inside a collection (.ttc); omit for a single font file. */
  family?: string;
}

/**
 * Fonts tried, in order, for free text (titles, names) outside Latin-1: CJK faces from the usual
 * Debian packages first, then broad Latin/Greek/Cyrillic faces. Only the files present are used.
 */
export const SYSTEM_FONT_CANDIDATES: readonly FontFile[] = [
  {
    path: '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc',
    family: 'NotoSansCJKsc-Regular',
  },
  {
    path: '/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc',
    family: 'NotoSerifCJKsc-Regular',
  },
  { path: '/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc', family: 'WenQuanYiZenHei' },
  { path: '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc', family: 'WenQuanYiMicroHei' },
  { path: '/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf' },
  { path: '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf' },
  { path: '/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf' },
];

export function presentFonts(candidates: readonly FontFile[]): FontFile[] {
  return candidates.filter((f) => existsSync(f.path));
}

/** Helvetica (a standard PDF font, WinAnsi encoding) draws printable ASCII and Latin-1 only. */
export function helveticaCanDraw(text: string): boolean {
  return /^[\x20-\x7e\u00a0-\u00ff]*$/.test(text);
}

/**
 * `text` with every run of code points that `covers` rejects written as `[U+XXXX U+YYYY]`, so
 * the printed text stays exact when no font can draw a character; `substituted` says whether
 * that happened.
 */
export function withCodePoints(
  text: string,
  covers: (codePoint: number) => boolean,
): { text: string; substituted: boolean } {
  let out = '';
  let run: string[] = [];
  let substituted = false;
  const flush = (): void => {
    if (run.length > 0) out += `[${run.join(' ')}]`;
    run = [];
  };
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    if (covers(cp)) {
      flush();
      out += ch;
    } else {
      substituted = true;
      run.push(`U+${cp.toString(16).toUpperCase().padStart(4, '0')}`);
    }
  }
  flush();
  return { text: out, substituted };
}

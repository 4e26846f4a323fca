/**
 * Greedy line breaking for mixed Chinese and Latin text: CJK characters break anywhere, Latin words
 * at spaces, and a token wider than the line (a SHA-256, a long URL) character by character.
 * Closing punctuation never starts a line: it hangs at the end of the previous one (a light form of
 * the line-start prohibition of W3C "Requirements for Chinese Text Layout" §3.1.7).
 */

/** Measures the width of a piece of text in points. */
export type MeasureText = (text: string) => number;

// A run of non-CJK, non-space characters is one token; every other character is its own token.
const TOKEN = /\s+|[^\s\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]+|[\s\S]/gu;
const NO_LINE_START = /^[，。、；：？！）》」』】〕…,.;:?!)\]}%]/u;

/**
 * Breaks `text` into lines no wider than `width` (widths are additive: a line's width is the sum
 * of its tokens'); `\n` forces a break. Never returns an empty array.
 */
export function wrapText(text: string, width: number, measure: MeasureText): string[] {
  const lines: string[] = [];
  const space = measure(' ');
  for (const paragraph of text.split('\n')) {
    let line = '';
    let lineW = 0;
    let pendingSpace = false;
    const push = () => {
      lines.push(line);
      line = '';
      lineW = 0;
      pendingSpace = false;
    };
    for (const token of paragraph.match(TOKEN) ?? []) {
      if (/^\s+$/.test(token)) {
        pendingSpace = line.length > 0;
        continue;
      }
      const w = measure(token);
      const sep = pendingSpace ? space : 0;
      if (lineW + sep + w <= width || (line && NO_LINE_START.test(token))) {
        line += (pendingSpace ? ' ' : '') + token;
        lineW += sep + w;
        pendingSpace = false;
        continue;
      }
      if (line) push();
      pendingSpace = false;
      if (w <= width) {
        line = token;
        lineW = w;
        continue;
      }
      for (const ch of token) {
        const cw = measure(ch);
        if (line && lineW + cw > width) push();
        line += ch;
        lineW += cw;
      }
    }
    push();
  }
  return lines;
}

/**
 * The text layer of a PDF as pdf.js extracts it (`getTextContent`): runs of text with their text
 * rendering matrix in user space (ISO 32000-1 §9.4.4), per page, with the page's display frame.
 *
 * pdf.js (the legacy build, which needs no canvas for text) is loaded lazily, once per process, and
 * its worker runs in-process. Layers are cached by the SHA-256 of the file, so a template's base PDF
 * is read by pdf.js once however many times it is filled.
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { SignetError } from '../errors.js';
import { pageFrame, type PdfMatrix, type PageFrame } from '../pdf/page-content.js';
import { decodeFilters } from '../pdf/filters.js';
import { PdfStream, type PdfObject } from '../pdf/objects.js';
import { PdfReader } from '../pdf/reader.js';

/** One run of text: a string drawn with one font along one baseline. */
export interface TextRun {
  /** The text, as pdf.js decoded it (through ToUnicode where the font has one, §9.10.2). */
  str: string;
  /** Text space → user space for the run's start, font size included: [a b c d e f]. */
  transform: PdfMatrix;
  /** The run's advance along its baseline, in user-space units. */
  width: number;
  /** The font's ascent and descent (negative) as fractions of the font size. */
  ascent: number;
  descent: number;
  /** True when pdf.js saw a line break after this run. */
  hasEOL: boolean;
}

/** The text of one page. */
export interface TextLayerPage {
  /** 1-based page number. */
  page: number;
  /** How the page is displayed (visible box and rotation). */
  frame: PageFrame;
  runs: TextRun[];
}

/** The text of a whole document. */
export interface TextLayer {
  pages: TextLayerPage[];
}

interface PdfjsTextItem { str?: string; transform?: number[]; width?: number; height?: number; fontName?: string; hasEOL?: boolean }
interface PdfjsPage {
  view: number[];
  rotate: number;
  getTextContent(opts?: { includeMarkedContent?: boolean; disableNormalization?: boolean }): Promise<{ items: PdfjsTextItem[]; styles: Record<string, { ascent?: number; descent?: number; vertical?: boolean }> }>;
  cleanup(): unknown;
}
interface PdfjsDocument { numPages: number; getPage(n: number): Promise<PdfjsPage>; destroy(): Promise<void> }
interface Pdfjs {
  getDocument(src: Record<string, unknown>): { promise: Promise<PdfjsDocument> };
}

let pdfjsPromise: Promise<{ lib: Pdfjs; cMapUrl: string }> | undefined;

/** Loads pdf.js once per process, with its worker in-process (the main-thread WorkerMessageHandler). */
function loadPdfjs(): Promise<{ lib: Pdfjs; cMapUrl: string }> {
  pdfjsPromise ??= (async () => {
    // The minified legacy build: it carries no source map, which tsx would otherwise parse (megabytes).
    // Specifiers in variables: the build ships no declarations for these modules.
    const workerSpec = 'pdfjs-dist/legacy/build/pdf.worker.min.mjs';
    const libSpec = 'pdfjs-dist/legacy/build/pdf.min.mjs';
    await import(workerSpec); // sets globalThis.pdfjsWorker, which pdf.js uses instead of a Worker
    const lib = (await import(libSpec)) as Pdfjs;
    // pdf.js reads its own packaged CMaps (predefined CJK encodings, §9.7.5.2) when a file needs them.
    const pkg = dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json'));
    return { lib, cMapUrl: join(pkg, 'cmaps') + '/' };
  })();
  pdfjsPromise.catch(() => { pdfjsPromise = undefined; });
  return pdfjsPromise;
}

const CACHE_LIMIT = 16;
const cache = new Map<string, Promise<TextLayer>>();

/**
 * Extracts the text layer of `pdf` with pdf.js. Throws PDF_NOT_PDF, PDF_ENCRYPTED (a user password
 * is needed) or PDF_MALFORMED when pdf.js cannot open the file.
 */
export function extractTextLayer(pdf: Uint8Array): Promise<TextLayer> {
  const key = createHash('sha256').update(pdf).digest('hex');
  const hit = cache.get(key);
  if (hit) {
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const p = readTextLayer(pdf);
  cache.set(key, p);
  if (cache.size > CACHE_LIMIT) cache.delete(cache.keys().next().value!);
  p.catch(() => cache.delete(key));
  return p;
}

/** The most page content (all pages, decoded) handed to pdf.js, which inflates streams without a limit of its own. */
const MAX_TEXT_CONTENT_BYTES = 64 * 1024 * 1024;

/**
 * Decodes every page's content streams with our bounded decoders first, so that a decompression
 * bomb is refused with PDF_LIMIT_EXCEEDED instead of being inflated by pdf.js into the server's
 * memory. Files our reader cannot walk are left to pdf.js to report.
 */
function checkContentSize(pdf: Uint8Array): void {
  let reader: PdfReader;
  let pages: number;
  try {
    reader = PdfReader.load(pdf);
    pages = reader.pageCount();
  } catch {
    return;
  }
  const r = (o: PdfObject | undefined) => reader.resolve(o);
  let left = MAX_TEXT_CONTENT_BYTES;
  for (let i = 0; i < pages; i++) {
    let contents: PdfObject | undefined;
    try {
      contents = r(reader.getPage(i).dict.get('Contents'));
    } catch {
      return;
    }
    for (const s of Array.isArray(contents) ? contents.map(r) : [contents]) {
      if (!(s instanceof PdfStream)) continue;
      try {
        left -= decodeFilters(s.raw, r(s.dict.get('Filter')), r(s.dict.get('DecodeParms')), r, left).length;
      } catch (e) {
        if (e instanceof SignetError && e.code === 'PDF_LIMIT_EXCEEDED') {
          throw new SignetError('PDF_LIMIT_EXCEEDED', `页面内容解压后超过 ${MAX_TEXT_CONTENT_BYTES / 1048576} MiB。The pages' content decompresses to more than ${MAX_TEXT_CONTENT_BYTES / 1048576} MiB (a decompression bomb?). Simplify or split the document.`);
        }
      }
    }
  }
}

async function readTextLayer(pdf: Uint8Array): Promise<TextLayer> {
  checkContentSize(pdf);
  const { lib, cMapUrl } = await loadPdfjs();
  let doc: PdfjsDocument;
  try {
    // pdf.js takes ownership of the buffer it is given, so it gets a copy.
    doc = await lib.getDocument({
      data: new Uint8Array(pdf), verbosity: 0, isEvalSupported: false, useSystemFonts: false, disableFontFace: true,
      cMapUrl, cMapPacked: true, stopAtErrors: false,
    }).promise;
  } catch (e) {
    const name = (e as Error)?.name;
    if (name === 'PasswordException') throw new SignetError('PDF_ENCRYPTED', 'The PDF needs a password to open. Remove the password (e.g. `qpdf --decrypt --password=… in.pdf out.pdf`) and retry.');
    if (name === 'InvalidPDFException') throw new SignetError('PDF_NOT_PDF', `The input cannot be read as a PDF (${(e as Error).message}). Upload a PDF file.`);
    throw new SignetError('PDF_MALFORMED', `The PDF's text cannot be read (${(e as Error)?.message ?? String(e)}). Repair the file (e.g. \`qpdf in.pdf out.pdf\`) and retry.`);
  }
  try {
    const pages: TextLayerPage[] = [];
    for (let n = 1; n <= doc.numPages; n++) {
      const page = await doc.getPage(n);
      const content = await page.getTextContent({ includeMarkedContent: false, disableNormalization: true });
      const [x1, y1, x2, y2] = page.view;
      const box: [number, number, number, number] = [Math.min(x1, x2), Math.min(y1, y2), Math.max(x1, x2), Math.max(y1, y2)];
      const runs: TextRun[] = [];
      for (const item of content.items) {
        if (typeof item.str !== 'string' || !Array.isArray(item.transform) || item.transform.length !== 6) continue;
        const style = item.fontName ? content.styles[item.fontName] : undefined;
        if (style?.vertical) continue; // vertical writing mode is not located
        const ascent = typeof style?.ascent === 'number' && style.ascent > 0 ? style.ascent : 0.8;
        const descent = typeof style?.descent === 'number' && style.descent < 0 ? style.descent : -0.2;
        runs.push({ str: item.str, transform: item.transform as PdfMatrix, width: item.width ?? 0, ascent, descent, hasEOL: !!item.hasEOL });
      }
      pages.push({ page: n, frame: pageFrame({ mediaBox: box, cropBox: box, rotate: page.rotate }), runs });
      page.cleanup();
    }
    return { pages };
  } finally {
    await doc.destroy();
  }
}

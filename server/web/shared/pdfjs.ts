/**
 * pdf.js, loaded on first use as its own chunk, with its worker and data files (CMaps for CJK
 * fonts that are not embedded, the standard 14 fonts, the JPEG 2000 / JBIG2 decoders) served by
 * this server under `/assets/` — no CDN. The legacy build also runs in older in-app browsers.
 */
import type { PDFDocumentProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';

export type { PDFDocumentProxy, PDFPageProxy, PageViewport, RenderTask } from 'pdfjs-dist/legacy/build/pdf.mjs';

type PdfjsModule = typeof import('pdfjs-dist/legacy/build/pdf.mjs');

let lib: Promise<PdfjsModule> | undefined;
let worker: InstanceType<PdfjsModule['PDFWorker']> | undefined;

/** The pdf.js module, with its worker configured (loaded once). */
export function loadPdfjs(): Promise<PdfjsModule> {
  lib ??= import(/* webpackChunkName: "pdfjs" */ 'pdfjs-dist/legacy/build/pdf.mjs').then((m) => {
    // webpack emits the worker file with a content hash and gives its URL here.
    m.GlobalWorkerOptions.workerSrc = new URL('pdfjs-dist/legacy/build/pdf.worker.min.mjs', import.meta.url).href;
    return m;
  });
  return lib;
}

/** Opens PDF bytes with pdf.js (the bytes are handed to the worker). */
export async function openPdf(bytes: ArrayBuffer | Uint8Array): Promise<PDFDocumentProxy> {
  const pdfjs = await loadPdfjs();
  const base = `/assets/pdfjs-${pdfjs.version}/`;
  // One worker for every document of the page (a bundle opens several): its script is parsed once.
  worker ??= new pdfjs.PDFWorker();
  return pdfjs.getDocument({
    worker,
    data: bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes),
    cMapUrl: `${base}cmaps/`,
    cMapPacked: true,
    standardFontDataUrl: `${base}standard_fonts/`,
    wasmUrl: `${base}wasm/`,
    iccUrl: `${base}iccs/`,
    // The page's Content-Security-Policy allows no eval.
    isEvalSupported: false,
    enableXfa: false,
  }).promise;
}

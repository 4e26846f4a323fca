/**
 * Renders a {@link Drawing} as PDF content operators (ISO 32000-1 §8.5: path construction and
 * painting) and as a self-contained form XObject (§8.10), which is what signature appearances,
 * seal sheets and cross-page slices draw.
 */
import { PdfDict, PdfName, PdfStream, type PdfRef } from '../pdf/objects.js';
import { PdfDocumentBuilder } from '../pdf/document-builder.js';
import type { ObjectSink } from '../font/font-subset.js';
import type { AppearanceGraphic } from '../pdf/appearance.js';
import { formatNumber, type Drawing, type DrawingPath, type Rgb } from './drawing.js';

/** Content operators of a drawing and the graphics states (opacity) they name. */
export interface PdfDrawing {
  /** Content stream operators, latin1. */
  content: string;
  /** `/GS0`, `/GS1` … ExtGState dictionaries for opacity, or undefined when none is needed. */
  extGState?: PdfDict;
}

const CAP = { butt: 0, round: 1, square: 2 } as const;
const JOIN = { miter: 0, round: 1, bevel: 2 } as const;

function color(c: Rgb): string {
  return `${formatNumber(c[0], 4)} ${formatNumber(c[1], 4)} ${formatNumber(c[2], 4)}`;
}

/** Formats a path's construction operators (m, l, c, h), one command per line. */
export function pdfPathOperators(p: Pick<DrawingPath, 'ops' | 'coords'>, decimals = 2): string {
  const c = p.coords;
  const f = (v: number) => formatNumber(v, decimals);
  const parts: string[] = [];
  let j = 0;
  for (const op of p.ops) {
    if (op === 'Z') parts.push('h');
    else if (op === 'C') {
      parts.push(`${f(c[j])} ${f(c[j + 1])} ${f(c[j + 2])} ${f(c[j + 3])} ${f(c[j + 4])} ${f(c[j + 5])} c`);
      j += 6;
    } else {
      parts.push(`${f(c[j])} ${f(c[j + 1])} ${op === 'M' ? 'm' : 'l'}`);
      j += 2;
    }
  }
  return parts.join('\n');
}

/** Renders a drawing's paths as content operators, one `q … Q` per path, y up in points. */
export function drawingToPdf(d: Drawing, decimals = 2): PdfDrawing {
  const states = new Map<string, string>();
  const gs = new PdfDict();
  let out = '';
  if (d.blend === 'multiply') {
    gs.set('GSM', new PdfDict({ Type: PdfName.of('ExtGState'), BM: PdfName.of('Multiply') }));
    out += '/GSM gs\n';
  }
  for (const p of d.paths) {
    if (!p.ops) continue;
    const a = p.paint;
    const fill = !!a.fill, stroke = !!a.stroke;
    if (!fill && !stroke) continue;
    out += 'q\n';
    if (p.transform) out += `${p.transform.map((v) => formatNumber(v, 6)).join(' ')} cm\n`;
    const ca = fill ? a.fillOpacity ?? 1 : 1, CA = stroke ? a.strokeOpacity ?? 1 : 1;
    if (ca < 1 || CA < 1) {
      const key = `${formatNumber(ca, 3)}/${formatNumber(CA, 3)}`;
      let name = states.get(key);
      if (!name) {
        name = `GS${states.size}`;
        states.set(key, name);
        gs.set(name, new PdfDict({ Type: PdfName.of('ExtGState'), ca: Number(formatNumber(ca, 3)), CA: Number(formatNumber(CA, 3)) }));
      }
      out += `/${name} gs\n`;
    }
    if (fill) out += `${color(a.fill!)} rg\n`;
    if (stroke) {
      out += `${color(a.stroke!)} RG ${formatNumber(a.strokeWidth ?? 1, decimals + 1)} w`;
      out += ` ${CAP[a.lineCap ?? 'butt']} J ${JOIN[a.lineJoin ?? 'miter']} j ${formatNumber(a.miterLimit ?? 4, 3)} M`;
      if (a.dash?.length) out += ` [${a.dash.map((v) => formatNumber(v, decimals)).join(' ')}] 0 d`;
      out += '\n';
    }
    out += pdfPathOperators(p, decimals) + '\n';
    const evenOdd = a.fillRule === 'evenodd';
    out += (fill && stroke ? (evenOdd ? 'B*' : 'B') : fill ? (evenOdd ? 'f*' : 'f') : 'S') + '\nQ\n';
  }
  return { content: out, extGState: gs.size ? gs : undefined };
}

/** A drawing as a self-contained form XObject with /BBox `[0 0 width height]`, compressed. */
export function drawingToXObject(d: Drawing): PdfStream {
  const { content, extGState } = drawingToPdf(d);
  const resources = new PdfDict();
  if (extGState) resources.set('ExtGState', extGState);
  return PdfStream.fromData(Buffer.from(content, 'latin1'), new PdfDict({
    Type: PdfName.of('XObject'),
    Subtype: PdfName.of('Form'),
    BBox: [0, 0, Number(formatNumber(d.width)), Number(formatNumber(d.height))],
    Resources: resources,
  }), { compress: true });
}

const graphics = new WeakMap<Drawing, AppearanceGraphic & { readonly drawing: Drawing }>();

/**
 * Wraps a drawing (a seal, handwriting, an imported SVG) as an appearance graphic at its natural
 * size. The same drawing always gives the same graphic, so a revision writes its XObject once
 * however many widgets show it.
 */
export function drawingGraphic(d: Drawing): AppearanceGraphic & { readonly drawing: Drawing } {
  let g = graphics.get(d);
  if (!g) graphics.set(d, (g = makeGraphic(d)));
  return g;
}

function makeGraphic(d: Drawing): AppearanceGraphic & { readonly drawing: Drawing } {
  // The compressed XObject is built once: every revision that shows this seal writes the same bytes.
  let stream: PdfStream | undefined;
  return {
    drawing: d,
    width: d.width,
    height: d.height,
    toXObject(sink: ObjectSink): PdfRef {
      const ref = sink.allocate();
      sink.set(ref, (stream ??= drawingToXObject(d)));
      return ref;
    },
  };
}

/**
 * A fresh one-page PDF showing the drawing as vectors at its real size, with a margin (points) on
 * every side: what `signet seal -o seal.pdf` writes. Built with {@link PdfDocumentBuilder}.
 */
export function drawingToPdfDocument(d: Drawing, opts: { margin?: number; title?: string } = {}): Uint8Array {
  const margin = opts.margin ?? 0;
  const b = new PdfDocumentBuilder();
  const form = b.allocate();
  b.set(form, drawingToXObject(d));
  b.addPage({
    width: Number(formatNumber(d.width + 2 * margin)),
    height: Number(formatNumber(d.height + 2 * margin)),
    resources: new PdfDict({ XObject: new PdfDict({ S0: form }) }),
    content: `q 1 0 0 1 ${formatNumber(margin)} ${formatNumber(margin)} cm /S0 Do Q\n`,
  });
  const title = opts.title ?? d.title;
  b.setInfo(title ? { Title: title, Producer: 'Signet' } : { Producer: 'Signet' });
  return b.build();
}

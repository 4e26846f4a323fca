/**
 * AcroForm signature fields, widgets and DocMDP permissions, written through the incremental writer.
 *
 * A signature field with one widget is a merged field/widget dictionary (ISO 32000-1 §12.7.3.1,
 * §12.5.6.19) attached to one page's /Annots and to the AcroForm /Fields array. A field with
 * several widgets (a cross-page seal: one slice per page) is a field dictionary whose /Kids are
 * its widget annotations, each on its own page (§12.7.1): still one field, one signature.
 *
 * Those widgets carry no /Parent. ISO 32000-1 Table 188 asks for it, but poppler up to 23.x (Debian
 * 12 ships 22.12) treats every kid with a /Parent as a child field, so `pdfsig` would list each slice
 * as another, unsigned, signature. Without it poppler, pdf.js and Signet's verifier (which walk
 * /Fields → /Kids) all see one field with N widgets.
 */
import { SignetError } from '../errors.js';
import { PdfDict, PdfName, PdfRef, PdfString, type PdfArray, type PdfObject, type PdfStream } from './objects.js';
import type { PdfReader } from './reader.js';
import type { IncrementalWriter } from './writer.js';

/** A rectangle in PDF user space: lower-left x, y, width and height (points). */
export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Where and how a new signature field is placed. */
export interface SignatureFieldSpec {
  /** Field name (/T). Must be unique in the document. */
  name: string;
  /** 0-based page index. */
  pageIndex: number;
  /** Widget rectangle, or undefined for an invisible signature (/Rect [0 0 0 0]). */
  rect?: Rect;
  /** Normal appearance stream (a form XObject) for a visible widget. */
  appearance?: PdfStream;
  /** The signature dictionary this field's /V points at. */
  signatureRef: PdfRef;
  /**
   * More widgets of the same field, e.g. the slices of a cross-page seal (骑缝章). With them the
   * field becomes a parent whose /Kids are the widgets: the one at `rect` (when given) first.
   */
  extraWidgets?: WidgetSpec[];
}

/** One widget annotation of a field: where it is and what it shows. */
export interface WidgetSpec {
  /** 0-based page index. */
  pageIndex: number;
  rect: Rect;
  /** Normal appearance stream (a form XObject). */
  appearance?: PdfStream;
}

const N = PdfName.of;

/** Lists the fully-qualified names of every terminal field in the AcroForm (cycle-safe). */
export function listFieldNames(reader: PdfReader): Set<string> {
  const names = new Set<string>();
  const acro = reader.resolve(reader.catalog.get('AcroForm'));
  if (!(acro instanceof PdfDict)) return names;
  const fields = reader.resolve(acro.get('Fields'));
  if (!Array.isArray(fields)) return names;
  const seen = new Set<number>();
  const walk = (items: PdfArray, prefix: string, depth: number) => {
    if (depth > 32) return;
    for (const item of items) {
      if (item instanceof PdfRef) {
        if (seen.has(item.num)) continue;
        seen.add(item.num);
      }
      const f = reader.resolve(item);
      if (!(f instanceof PdfDict)) continue;
      const t = reader.resolve(f.get('T'));
      const partial = t instanceof PdfString ? t.toText() : '';
      const full = prefix && partial ? `${prefix}.${partial}` : prefix || partial;
      const kids = reader.resolve(f.get('Kids'));
      if (Array.isArray(kids) && kids.length > 0) walk(kids, full, depth + 1);
      else if (full) names.add(full);
    }
  };
  walk(fields, '', 0);
  return names;
}

/** Picks `Signature1`, `Signature2`, … — the first name not yet used in the document. */
export function nextSignatureFieldName(reader: PdfReader, base = 'Signature'): string {
  const used = listFieldNames(reader);
  for (let i = 1; ; i++) if (!used.has(`${base}${i}`)) return `${base}${i}`;
}

/**
 * Checks that a rectangle lies inside the page's MediaBox, throwing PDF_RECT_OFF_PAGE otherwise.
 * Returns the page's box for convenience.
 */
export function assertRectOnPage(reader: PdfReader, pageIndex: number, rect: Rect): [number, number, number, number] {
  const page = reader.getPage(pageIndex);
  const [x1, y1, x2, y2] = page.mediaBox;
  const ok =
    Number.isFinite(rect.x) && Number.isFinite(rect.y) && rect.w > 0 && rect.h > 0 &&
    rect.x >= Math.min(x1, x2) - 0.01 && rect.y >= Math.min(y1, y2) - 0.01 &&
    rect.x + rect.w <= Math.max(x1, x2) + 0.01 && rect.y + rect.h <= Math.max(y1, y2) + 0.01;
  if (!ok) {
    throw new SignetError(
      'PDF_RECT_OFF_PAGE',
      `Rectangle ${rect.x},${rect.y},${rect.w},${rect.h} is not inside page ${pageIndex + 1} ` +
        `(MediaBox ${x1} ${y1} ${x2} ${y2}); give x,y,w,h in points inside the page`,
    );
  }
  return page.mediaBox;
}

/**
 * Adds a signature field with its widget to the page and the AcroForm, updating (by appending) the
 * page's /Annots, the AcroForm and, when it has none, the catalog. Returns the field's reference.
 */
export function addSignatureField(reader: PdfReader, writer: IncrementalWriter, spec: SignatureFieldSpec): PdfRef {
  if (listFieldNames(reader).has(spec.name)) {
    throw new SignetError('PDF_FIELD_EXISTS', `A field named "${spec.name}" already exists; choose another field name`);
  }
  const page = reader.getPage(spec.pageIndex);
  const fieldRef = writer.allocate();
  const r = spec.rect;
  const extra = spec.extraWidgets ?? [];
  if (extra.length === 0) {
    const field = new PdfDict({
      Type: N('Annot'),
      Subtype: N('Widget'),
      FT: N('Sig'),
      T: PdfString.fromText(spec.name),
      V: spec.signatureRef,
      // Print (4) + Locked (128): the widget prints and cannot be moved in a viewer.
      F: 132,
      P: page.ref,
      Rect: r ? [r.x, r.y, r.x + r.w, r.y + r.h] : [0, 0, 0, 0],
    });
    if (spec.appearance) field.set('AP', new PdfDict({ N: writeAppearance(writer, spec.appearance) }));
    writer.set(fieldRef, field);
    appendToAnnots(reader, writer, page.ref, fieldRef);
    appendToAcroForm(reader, writer, fieldRef);
    return fieldRef;
  }
  const widgets: WidgetSpec[] = r ? [{ pageIndex: spec.pageIndex, rect: r, appearance: spec.appearance }, ...extra] : extra;
  const kids: PdfRef[] = [];
  for (const w of widgets) {
    const p = w === widgets[0] && r ? page : reader.getPage(w.pageIndex);
    const ref = writer.allocate();
    const widget = new PdfDict({
      Type: N('Annot'),
      Subtype: N('Widget'),
      // No /Parent: see the module comment (poppler ≤ 23 would count each widget as a field).
      F: 132,
      P: p.ref,
      Rect: [w.rect.x, w.rect.y, w.rect.x + w.rect.w, w.rect.y + w.rect.h],
    });
    if (w.appearance) widget.set('AP', new PdfDict({ N: writeAppearance(writer, w.appearance) }));
    writer.set(ref, widget);
    appendToAnnots(reader, writer, p.ref, ref);
    kids.push(ref);
  }
  writer.set(fieldRef, new PdfDict({ FT: N('Sig'), T: PdfString.fromText(spec.name), V: spec.signatureRef, Kids: kids }));
  appendToAcroForm(reader, writer, fieldRef);
  return fieldRef;
}

function writeAppearance(writer: IncrementalWriter, ap: PdfStream): PdfRef {
  const ref = writer.allocate();
  writer.set(ref, ap);
  return ref;
}

/** Adds `ref` to the page's /Annots, building on what this revision already wrote for the page. */
function appendToAnnots(reader: PdfReader, writer: IncrementalWriter, pageRef: PdfRef, ref: PdfRef): void {
  const pending = writer.get(pageRef);
  const pageDict = pending instanceof PdfDict ? pending : (reader.resolve(pageRef) as PdfDict);
  const annots = pageDict.get('Annots');
  if (annots instanceof PdfRef) {
    const mine = writer.get(annots);
    const arr = mine !== undefined ? mine : reader.resolve(annots);
    const next = Array.isArray(arr) ? [...arr, ref] : [ref];
    writer.set(annots, next);
    return;
  }
  const page = pageDict.clone();
  page.set('Annots', Array.isArray(annots) ? [...annots, ref] : [ref]);
  writer.set(pageRef, page);
}

function appendToAcroForm(reader: PdfReader, writer: IncrementalWriter, fieldRef: PdfRef): void {
  const catalog = reader.catalog;
  const acroObj = catalog.get('AcroForm');
  const acro = reader.resolve(acroObj);
  const form = acro instanceof PdfDict ? acro.clone() : new PdfDict();
  const fields = form.get('Fields');
  if (fields instanceof PdfRef) {
    const arr = reader.resolve(fields);
    writer.set(fields, Array.isArray(arr) ? [...arr, fieldRef] : [fieldRef]);
  } else {
    form.set('Fields', Array.isArray(fields) ? [...fields, fieldRef] : [fieldRef]);
  }
  // SignaturesExist (1) + AppendOnly (2), ISO 32000-1 §12.7.2 Table 219.
  form.set('SigFlags', 3);
  if (acroObj instanceof PdfRef) {
    writer.set(acroObj, form);
  } else {
    const ref = writer.allocate();
    writer.set(ref, form);
    const cat = catalog.clone();
    cat.set('AcroForm', ref);
    writer.set(reader.catalogRef, cat);
  }
}

/**
 * Sets catalog entries (e.g. /Perms, /DSS) by appending an updated catalog. Reads the catalog as the
 * writer will leave it when it has already been updated in this revision.
 */
export function updateCatalog(reader: PdfReader, writer: IncrementalWriter, entries: Record<string, PdfObject>): void {
  const pending = writer.get(reader.catalogRef);
  const base = pending instanceof PdfDict ? pending : reader.catalog;
  const cat = base.clone();
  for (const [k, v] of Object.entries(entries)) cat.set(k, v);
  writer.set(reader.catalogRef, cat);
}

/**
 * The DocMDP transform for a certification signature (ISO 32000-1 §12.8.2.2): goes in the signature
 * dictionary's /Reference array. `p` is 1 (no changes), 2 (form filling and signing) or 3 (also annotations).
 */
export function docMdpReference(p: 1 | 2 | 3): PdfDict {
  return new PdfDict({
    Type: N('SigRef'),
    TransformMethod: N('DocMDP'),
    TransformParams: new PdfDict({ Type: N('TransformParams'), P: p, V: N('1.2') }),
  });
}

/**
 * Reads the DocMDP permission of the document (catalog /Perms /DocMDP → signature /Reference), or
 * undefined when the document is not certified.
 */
export function readDocMdpPermission(reader: PdfReader, revisionIndex?: number): { p: 1 | 2 | 3; signatureRef?: PdfRef } | undefined {
  const at = (o: PdfObject | undefined) => (revisionIndex === undefined ? reader.resolve(o) : reader.resolveAt(o, revisionIndex));
  const catalog = revisionIndex === undefined ? reader.catalog : (at(reader.catalogRef) as PdfDict | undefined);
  if (!(catalog instanceof PdfDict)) return undefined;
  const perms = at(catalog.get('Perms'));
  if (!(perms instanceof PdfDict)) return undefined;
  const sigObj = perms.get('DocMDP');
  const sig = at(sigObj);
  if (!(sig instanceof PdfDict)) return undefined;
  const refs = at(sig.get('Reference'));
  let p: 1 | 2 | 3 = 2;
  if (Array.isArray(refs)) {
    for (const r of refs) {
      const ref = at(r);
      if (ref instanceof PdfDict && ref.getName('TransformMethod') === 'DocMDP') {
        const params = at(ref.get('TransformParams'));
        const v = params instanceof PdfDict ? params.getNumber('P') : undefined;
        if (v === 1 || v === 2 || v === 3) p = v;
      }
    }
  }
  return { p, signatureRef: sigObj instanceof PdfRef ? sigObj : undefined };
}

/** A signature field found in the document, with its signature value when signed. */
export interface SignatureFieldInfo {
  /** Fully-qualified field name. */
  name: string;
  fieldRef?: PdfRef;
  /** The signature dictionary (/V), when the field is signed. */
  signature?: PdfDict;
  signatureRef?: PdfRef;
  /** 0-based page index of the first widget, or -1 when unknown. */
  pageIndex: number;
  /** Widget rectangle [x1 y1 x2 y2] in user space. */
  rect?: [number, number, number, number];
  /** Every widget of the field, in /Kids order (one for a merged field/widget; a cross-page seal has one per page). */
  widgets: { pageIndex: number; rect?: [number, number, number, number] }[];
}

/**
 * Lists signature fields (/FT /Sig, inherited through /Parent) in AcroForm order, signed or not.
 * ISO 32000-1 §12.7.4.5.
 */
export function findSignatureFields(reader: PdfReader): SignatureFieldInfo[] {
  const out: SignatureFieldInfo[] = [];
  const acro = reader.resolve(reader.catalog.get('AcroForm'));
  if (!(acro instanceof PdfDict)) return out;
  const fields = reader.resolve(acro.get('Fields'));
  if (!Array.isArray(fields)) return out;
  const seen = new Set<number>();
  const pageOf = (d: PdfDict): number => {
    const p = d.get('P');
    return p instanceof PdfRef ? reader.pageIndexOf(p) : -1;
  };
  const walk = (items: PdfArray, prefix: string, inheritedFt: string | undefined, depth: number) => {
    if (depth > 32) return;
    for (const item of items) {
      if (item instanceof PdfRef) {
        if (seen.has(item.num)) continue;
        seen.add(item.num);
      }
      const f = reader.resolve(item);
      if (!(f instanceof PdfDict)) continue;
      const t = reader.resolve(f.get('T'));
      const partial = t instanceof PdfString ? t.toText() : '';
      const full = prefix && partial ? `${prefix}.${partial}` : prefix || partial;
      const ft = f.getName('FT') ?? inheritedFt;
      const kids = reader.resolve(f.get('Kids'));
      const kidFields = Array.isArray(kids) ? kids.filter((k) => { const d = reader.resolve(k); return d instanceof PdfDict && d.has('T'); }) : [];
      if (kidFields.length > 0) {
        walk(kidFields, full, ft, depth + 1);
        continue;
      }
      if (ft !== 'Sig') continue;
      const vObj = f.get('V');
      const v = reader.resolve(vObj);
      // The widgets: the field itself when merged, else its /Kids (ISO 32000-1 §12.7.1).
      const widgetObjs: PdfObject[] = Array.isArray(kids) && kids.length > 0 ? kids.slice(0, 1000) : [item];
      const widgets: SignatureFieldInfo['widgets'] = [];
      for (const wObj of widgetObjs) {
        const w = reader.resolve(wObj);
        if (!(w instanceof PdfDict)) continue;
        const rectObj = reader.resolve(w.get('Rect'));
        const rect = Array.isArray(rectObj) && rectObj.length === 4 && rectObj.every((n) => typeof n === 'number')
          ? (rectObj as [number, number, number, number]) : undefined;
        let pageIndex = pageOf(w);
        if (pageIndex < 0 && wObj instanceof PdfRef) pageIndex = findAnnotPage(reader, wObj);
        widgets.push({ pageIndex, rect });
      }
      out.push({
        name: full,
        fieldRef: item instanceof PdfRef ? item : undefined,
        signature: v instanceof PdfDict ? v : undefined,
        signatureRef: vObj instanceof PdfRef ? vObj : undefined,
        pageIndex: widgets[0]?.pageIndex ?? -1,
        rect: widgets[0]?.rect,
        widgets,
      });
    }
  };
  walk(fields, '', undefined, 0);
  return out;
}

function findAnnotPage(reader: PdfReader, ref: PdfRef): number {
  const pages = reader.pageRefs();
  for (let i = 0; i < pages.length; i++) {
    const page = reader.resolve(pages[i]);
    if (!(page instanceof PdfDict)) continue;
    const annots = reader.resolve(page.get('Annots'));
    if (Array.isArray(annots) && annots.some((a) => a instanceof PdfRef && a.num === ref.num)) return i;
  }
  return -1;
}

/** A text field a signer fills when they sign (a date or a text), created empty before the first signature. */
export interface TextFieldSpec {
  /** Field name (/T), unique in the document. */
  name: string;
  /** What the field asks for (/TU), shown by viewers as the tooltip. */
  label?: string;
  /** 0-based page index. */
  pageIndex: number;
  rect: Rect;
}

/**
 * Adds empty, read-only text fields (/FT /Tx, ISO 32000-1 §12.7.4.3) as merged field/widgets.
 * Signet writes them in an unsigned revision before any signature, so that a signer who fills one
 * later only fills a form (/V and /AP of an existing field), which DocMDP P=2 and every validator
 * allow, instead of creating a field after others signed. Read-only (Ff bit 1) keeps viewers from
 * editing them; Signet sets the value in the signer's own revision.
 */
export function addTextFields(reader: PdfReader, writer: IncrementalWriter, specs: TextFieldSpec[]): PdfRef[] {
  const used = listFieldNames(reader);
  const refs: PdfRef[] = [];
  for (const spec of specs) {
    if (used.has(spec.name)) throw new SignetError('PDF_FIELD_EXISTS', `A field named "${spec.name}" already exists; choose another field name`);
    used.add(spec.name);
    const page = reader.getPage(spec.pageIndex);
    assertRectOnPage(reader, spec.pageIndex, spec.rect);
    const r = spec.rect;
    const ref = writer.allocate();
    const field = new PdfDict({
      Type: N('Annot'),
      Subtype: N('Widget'),
      FT: N('Tx'),
      T: PdfString.fromText(spec.name),
      Ff: 1,
      F: 4,
      P: page.ref,
      Rect: [r.x, r.y, r.x + r.w, r.y + r.h],
      DA: new PdfString(new TextEncoder().encode('/Helv 0 Tf 0 g'), false),
    });
    if (spec.label) field.set('TU', PdfString.fromText(spec.label));
    writer.set(ref, field);
    appendToAnnots(reader, writer, page.ref, ref);
    appendToAcroFormFields(reader, writer, ref);
    refs.push(ref);
  }
  return refs;
}

/** A value for an existing text field, with its normal appearance. */
export interface TextFieldValue {
  name: string;
  value: string;
  appearance: PdfStream;
}

/** The text fields of the document by name: reference, dictionary and rectangle. */
export function findTextFields(reader: PdfReader): Map<string, { ref: PdfRef; dict: PdfDict; rect: Rect }> {
  const out = new Map<string, { ref: PdfRef; dict: PdfDict; rect: Rect }>();
  const acro = reader.resolve(reader.catalog.get('AcroForm'));
  const fields = acro instanceof PdfDict ? reader.resolve(acro.get('Fields')) : undefined;
  if (!Array.isArray(fields)) return out;
  for (const item of fields.slice(0, 10_000)) {
    if (!(item instanceof PdfRef)) continue;
    const f = reader.resolve(item);
    if (!(f instanceof PdfDict) || f.getName('FT') !== 'Tx') continue;
    const t = reader.resolve(f.get('T'));
    const rect = reader.resolve(f.get('Rect'));
    if (!(t instanceof PdfString) || !Array.isArray(rect) || rect.length !== 4 || !rect.every((n) => typeof n === 'number')) continue;
    const [x1, y1, x2, y2] = rect as number[];
    out.set(t.toText(), { ref: item, dict: f, rect: { x: Math.min(x1, x2), y: Math.min(y1, y2), w: Math.abs(x2 - x1), h: Math.abs(y2 - y1) } });
  }
  return out;
}

/** Fills existing text fields: a new /V and /AP of each, nothing else of the field changes. */
export function fillTextFields(reader: PdfReader, writer: IncrementalWriter, values: TextFieldValue[]): void {
  if (values.length === 0) return;
  const fields = findTextFields(reader);
  for (const v of values) {
    const f = fields.get(v.name);
    if (!f) throw new SignetError('PDF_FIELD_MISSING', `The document has no text field "${v.name}"`);
    const next = f.dict.clone();
    next.set('V', PdfString.fromText(v.value));
    next.set('AP', new PdfDict({ N: writeAppearance(writer, v.appearance) }));
    writer.set(f.ref, next);
  }
}

function appendToAcroFormFields(reader: PdfReader, writer: IncrementalWriter, fieldRef: PdfRef): void {
  // Like appendToAcroForm, without SigFlags: text fields alone do not make a document signed.
  const catalog = writer.get(reader.catalogRef) instanceof PdfDict ? (writer.get(reader.catalogRef) as PdfDict) : reader.catalog;
  const acroObj = catalog.get('AcroForm');
  const pending = acroObj instanceof PdfRef ? writer.get(acroObj) : undefined;
  const acro = pending instanceof PdfDict ? pending : reader.resolve(acroObj);
  const form = acro instanceof PdfDict ? acro.clone() : new PdfDict();
  const fields = form.get('Fields');
  if (fields instanceof PdfRef) {
    const mine = writer.get(fields);
    const arr = mine !== undefined ? mine : reader.resolve(fields);
    writer.set(fields, Array.isArray(arr) ? [...arr, fieldRef] : [fieldRef]);
  } else {
    form.set('Fields', Array.isArray(fields) ? [...fields, fieldRef] : [fieldRef]);
  }
  if (!form.has('DA')) form.set('DA', new PdfString(new TextEncoder().encode('/Helv 0 Tf 0 g'), false));
  // The default resources name /Helv, which /DA uses (ISO 32000-1 §12.7.3.3).
  if (!form.has('DR')) form.set('DR', new PdfDict({ Font: new PdfDict({ Helv: new PdfDict({ Type: N('Font'), Subtype: N('Type1'), BaseFont: N('Helvetica'), Encoding: N('WinAnsiEncoding') }) }) }));
  if (acroObj instanceof PdfRef) {
    writer.set(acroObj, form);
  } else {
    const ref = writer.allocate();
    writer.set(ref, form);
    const cat = catalog.clone();
    cat.set('AcroForm', ref);
    writer.set(reader.catalogRef, cat);
  }
}

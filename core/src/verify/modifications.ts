/**
 * Classifies what each incremental revision changed, so that the verifier can tell allowed updates
 * (new signatures, form filling, DSS, document time-stamps) from anything else, honouring DocMDP
 * (ISO 32000-1 §12.8.2.2; ETSI EN 319 142-1 §5.4). Modelled on pyHanko's difference analysis, but
 * object-by-object: every object a revision redefines is compared with its previous version.
 */
import { PdfDict, PdfRef, PdfStream, type PdfObject } from '../pdf/objects.js';
import type { PdfReader } from '../pdf/reader.js';
import { pdfEquals } from '../pdf/equals.js';

/** What kind of change a revision made to one object. */
export type ChangeKind =
  | 'signature' // a signature field, widget, value or appearance
  | 'doc-timestamp'
  | 'dss' // validation data (DSS, VRI, /Extensions)
  | 'form-fill' // a non-signature field's value or appearance
  | 'annotation' // comments and other annotations
  | 'metadata' // /Info or XMP metadata
  | 'added' // a new object nothing existing points to (yet): inert by itself
  | 'xref' // the cross-reference stream of the update
  | 'other'; // anything else: page content, page tree, resources, deleted objects …

/** One changed object. */
export interface ObjectChange {
  objectNumber: number;
  kind: ChangeKind;
  description: string;
}

/** The changes one revision made. */
export interface RevisionChanges {
  /** Revision index (0 = original). */
  revision: number;
  changes: ObjectChange[];
}

/** DocMDP permission: 1 no changes, 2 form filling and signing, 3 also annotations; 0 = not certified. */
export type MdpLevel = 0 | 1 | 2 | 3;

/** The kinds of change allowed after a signature under the document's DocMDP level. */
export function allowedKinds(p: MdpLevel): Set<ChangeKind> {
  const base: ChangeKind[] = ['added', 'xref', 'dss', 'doc-timestamp'];
  if (p === 1) return new Set(base);
  if (p === 2) return new Set([...base, 'signature', 'form-fill', 'metadata']);
  return new Set([...base, 'signature', 'form-fill', 'metadata', 'annotation']);
}

/** The broadest kind of change, in the order pyHanko's ModificationLevel uses. */
export type ModificationLevel = 'none' | 'lta-updates' | 'form-filling' | 'annotations' | 'other';

/** Summarizes change kinds into a modification level. */
export function modificationLevel(kinds: Iterable<ChangeKind>): ModificationLevel {
  let level: ModificationLevel = 'none';
  const rank: Record<ModificationLevel, number> = { none: 0, 'lta-updates': 1, 'form-filling': 2, annotations: 3, other: 4 };
  const bump = (l: ModificationLevel) => { if (rank[l] > rank[level]) level = l; };
  for (const k of kinds) {
    if (k === 'added' || k === 'xref' || k === 'dss' || k === 'doc-timestamp') bump('lta-updates');
    else if (k === 'signature' || k === 'form-fill' || k === 'metadata') bump('form-filling');
    else if (k === 'annotation') bump('annotations');
    else bump('other');
  }
  return level;
}

/** Compares revision `k` with revision `k-1` and classifies every object it redefines. */
export function analyzeRevision(reader: PdfReader, k: number): RevisionChanges {
  const prev = k - 1;
  const at = (o: PdfObject | undefined, r: number) => reader.resolveAt(o, r);
  const trailerPrev = reader.revisions[prev].trailer;
  const trailerNew = reader.revisions[k].trailer;
  const rootPrev = trailerPrev.get('Root');
  const rootNew = trailerNew.get('Root');
  const changes: ObjectChange[] = [];
  if (rootPrev instanceof PdfRef && rootNew instanceof PdfRef && rootPrev.num !== rootNew.num) {
    changes.push({ objectNumber: rootNew.num, kind: 'other', description: 'the document catalog was replaced' });
  }
  const catalogNum = rootPrev instanceof PdfRef ? rootPrev.num : -1;
  const catalogPrev = at(rootPrev, prev);

  // Roles of existing objects in the previous revision.
  const pageNums = new Set<number>();
  const annotsArrays = new Set<number>();
  for (const ref of reader.pageRefsAt(prev)) {
    pageNums.add(ref.num);
    const page = at(ref, prev);
    const a = page instanceof PdfDict ? page.get('Annots') : undefined;
    if (a instanceof PdfRef) annotsArrays.add(a.num);
  }
  const refNum = (o: PdfObject | undefined) => (o instanceof PdfRef ? o.num : -1);
  const acroObj = catalogPrev instanceof PdfDict ? catalogPrev.get('AcroForm') : undefined;
  const acroNum = refNum(acroObj);
  const acro = at(acroObj, prev);
  const fieldsNum = acro instanceof PdfDict ? refNum(acro.get('Fields')) : -1;
  const dssObj = catalogPrev instanceof PdfDict ? catalogPrev.get('DSS') : undefined;
  const dssNum = refNum(dssObj);
  const dss = at(dssObj, prev);
  const dssParts = new Set<number>();
  if (dss instanceof PdfDict) for (const key of ['VRI', 'Certs', 'OCSPs', 'CRLs']) { const n = refNum(dss.get(key)); if (n >= 0) dssParts.add(n); }
  const infoNum = refNum(trailerPrev.get('Info'));
  const metadataNum = catalogPrev instanceof PdfDict ? refNum(catalogPrev.get('Metadata')) : -1;

  // Widgets listed in the /Kids of a signature field this revision writes belong to that signature
  // even without /Parent (Signet's cross-page seal omits it; see pdf/acroform.ts).
  const sigKids = new Map<number, ChangeKind>();
  for (const [num, entry] of reader.revisions[k].entries) {
    if (entry.type === 'free') continue;
    const f = reader.getObjectAt(num, k);
    if (!(f instanceof PdfDict) || fieldType(reader, f, k) !== 'Sig') continue;
    const kids = at(f.get('Kids'), k);
    const kind: ChangeKind = isDocTimestampField(reader, f, k) ? 'doc-timestamp' : 'signature';
    if (Array.isArray(kids)) for (const kid of kids) if (kid instanceof PdfRef) sigKids.set(kid.num, kind);
  }
  const classifyAnnot = (o: PdfObject | undefined, r: number): ChangeKind => {
    const d = at(o, r);
    if (!(d instanceof PdfDict)) return 'other';
    if (o instanceof PdfRef && r === k && sigKids.has(o.num) && d.getName('Subtype') === 'Widget' && !d.has('FT')) return sigKids.get(o.num)!;
    if (fieldType(reader, d, r) === 'Sig') return isDocTimestampField(reader, d, r) ? 'doc-timestamp' : 'signature';
    if (d.getName('Subtype') === 'Widget' || d.has('FT') || d.has('T')) return 'form-fill';
    return 'annotation';
  };
  const superset = (oldArr: PdfObject | undefined, newArr: PdfObject | undefined): PdfObject[] | undefined => {
    const o = Array.isArray(oldArr) ? oldArr : [];
    if (!Array.isArray(newArr)) return undefined;
    for (const item of o) if (!newArr.some((n) => pdfEquals(n, item))) return undefined;
    return newArr.filter((n) => !o.some((item) => pdfEquals(n, item)));
  };
  const worstOf = (kinds: ChangeKind[], fallback: ChangeKind): ChangeKind => {
    if (kinds.includes('other')) return 'other';
    if (kinds.includes('annotation')) return 'annotation';
    if (kinds.includes('form-fill')) return 'form-fill';
    if (kinds.includes('signature')) return 'signature';
    return kinds[0] ?? fallback;
  };
  const diffArray = (num: number, oldV: PdfObject | undefined, newV: PdfObject | undefined, what: string) => {
    const added = superset(at(oldV, prev), at(newV, k));
    if (!added) return changes.push({ objectNumber: num, kind: 'other', description: `entries were removed from ${what}` });
    const kinds = added.map((a) => classifyAnnot(a, k));
    changes.push({ objectNumber: num, kind: worstOf(kinds, 'signature'), description: `${added.length} entr${added.length === 1 ? 'y' : 'ies'} added to ${what}` });
  };
  const diffDictKeys = (num: number, o: PdfDict, n: PdfDict, what: string, allowed: Record<string, (ov: PdfObject | undefined, nv: PdfObject | undefined) => ChangeKind>) => {
    const keys = new Set([...o.keys(), ...n.keys()]);
    const kinds: ChangeKind[] = [];
    const changed: string[] = [];
    for (const key of keys) {
      const ov = o.get(key), nv = n.get(key);
      if (pdfEquals(ov, nv)) continue;
      changed.push(key);
      const rule = allowed[key];
      kinds.push(rule ? rule(ov, nv) : 'other');
    }
    if (changed.length) changes.push({ objectNumber: num, kind: worstOf(kinds, 'other'), description: `${what}: ${changed.map((c) => '/' + c).join(' ')} changed` });
  };
  const annotsRule = (ov: PdfObject | undefined, nv: PdfObject | undefined): ChangeKind => {
    const added = superset(at(ov, prev), at(nv, k));
    if (!added) return 'other';
    return worstOf(added.map((a) => classifyAnnot(a, k)), 'signature');
  };
  const acroFormRules = {
    Fields: annotsRule,
    SigFlags: () => 'signature' as ChangeKind,
    DR: () => 'signature' as ChangeKind,
    DA: () => 'form-fill' as ChangeKind,
    NeedAppearances: () => 'form-fill' as ChangeKind,
  };

  for (const [num, entry] of reader.revisions[k].entries) {
    if (num === 0) continue;
    const oldObj = reader.getObjectAt(num, prev);
    if (entry.type === 'free') {
      if (oldObj !== undefined) changes.push({ objectNumber: num, kind: 'other', description: 'an object in use was deleted' });
      continue;
    }
    const newObj = reader.getObjectAt(num, k);
    if (oldObj === undefined) {
      let kind = classifyNew(newObj);
      if (kind === 'signature' && newObj instanceof PdfDict && isDocTimestampField(reader, newObj, k)) kind = 'doc-timestamp';
      changes.push({ objectNumber: num, kind, description: 'new object' });
      continue;
    }
    if (pdfEquals(oldObj, newObj)) continue;
    const o = oldObj instanceof PdfStream ? oldObj.dict : oldObj;
    const n = newObj instanceof PdfStream ? newObj.dict : newObj;
    if (num === catalogNum && o instanceof PdfDict && n instanceof PdfDict) {
      diffDictKeys(num, o, n, 'catalog', {
        AcroForm: (ov, nv) => {
          const od = at(ov, prev), nd = at(nv, k);
          if (ov instanceof PdfRef && nv instanceof PdfRef && ov.num === nv.num) return 'signature';
          if (!(nd instanceof PdfDict)) return 'other';
          return annotsRule(od instanceof PdfDict ? od.get('Fields') : undefined, nd.get('Fields'));
        },
        DSS: () => 'dss',
        Extensions: () => 'dss',
        Metadata: () => 'metadata',
        Version: () => 'dss',
      });
    } else if (pageNums.has(num) && o instanceof PdfDict && n instanceof PdfDict) {
      diffDictKeys(num, o, n, 'page', { Annots: annotsRule });
    } else if (annotsArrays.has(num)) {
      diffArray(num, oldObj, newObj, 'a page\'s annotations');
    } else if (num === fieldsNum) {
      diffArray(num, oldObj, newObj, 'the form fields');
    } else if (num === acroNum && o instanceof PdfDict && n instanceof PdfDict) {
      diffDictKeys(num, o, n, 'AcroForm', acroFormRules);
    } else if (num === dssNum || dssParts.has(num)) {
      changes.push({ objectNumber: num, kind: 'dss', description: 'validation data (DSS) updated' });
    } else if (num === infoNum || num === metadataNum) {
      changes.push({ objectNumber: num, kind: 'metadata', description: 'document metadata updated' });
    } else if (o instanceof PdfDict && n instanceof PdfDict && (o.has('FT') || o.has('T') || o.getName('Subtype') === 'Widget' || o.has('Parent'))) {
      changes.push(classifyFieldChange(reader, num, o, n, prev, k));
    } else if (o instanceof PdfDict && n instanceof PdfDict && o.getName('Type') === 'Annot') {
      changes.push({ objectNumber: num, kind: 'annotation', description: 'an annotation was changed' });
    } else {
      changes.push({ objectNumber: num, kind: 'other', description: describe(o) + ' was changed' });
    }
  }
  return { revision: k, changes };
}

function describe(o: PdfObject | undefined): string {
  if (o instanceof PdfDict) {
    const t = o.getName('Type') ?? o.getName('Subtype');
    if (t === 'Page') return 'a page';
    if (t === 'Pages') return 'the page tree';
    if (t) return `an object of type /${t}`;
    if (o.has('Length')) return 'a content stream';
    return 'a dictionary';
  }
  if (Array.isArray(o)) return 'an array';
  return 'an object';
}

function classifyNew(o: PdfObject | undefined): ChangeKind {
  const d = o instanceof PdfStream ? o.dict : o;
  if (!(d instanceof PdfDict)) return 'added';
  const type = d.getName('Type');
  if (type === 'XRef') return 'xref';
  if (type === 'DocTimeStamp') return 'doc-timestamp';
  if (type === 'Sig' || d.getName('FT') === 'Sig') return 'signature';
  if (type === 'DSS') return 'dss';
  return 'added';
}

/** True when a signature field's value is a document time-stamp (ISO 32000-2 §12.8.5). */
function isDocTimestampField(reader: PdfReader, d: PdfDict, r: number): boolean {
  const v = reader.resolveAt(d.get('V'), r);
  return v instanceof PdfDict && (v.getName('Type') === 'DocTimeStamp' || v.getName('SubFilter') === 'ETSI.RFC3161');
}

/** The field type of a field/widget dictionary, following /Parent (inheritable, §12.7.3.1). */
function fieldType(reader: PdfReader, d: PdfDict, r: number): string | undefined {
  let cur: PdfDict | undefined = d;
  for (let i = 0; cur && i < 32; i++) {
    const ft = cur.getName('FT');
    if (ft) return ft;
    const p = reader.resolveAt(cur.get('Parent'), r);
    cur = p instanceof PdfDict ? p : undefined;
  }
  return undefined;
}

function classifyFieldChange(reader: PdfReader, num: number, o: PdfDict, n: PdfDict, prev: number, k: number): ObjectChange {
  const ft = fieldType(reader, n, k) ?? fieldType(reader, o, prev);
  const keys = new Set([...o.keys(), ...n.keys()]);
  const changed = [...keys].filter((key) => !pdfEquals(o.get(key), n.get(key)));
  const valueKeys = new Set(['V', 'AP', 'AS', 'MK', 'Lock', 'SV', 'F', 'Kids']);
  if (ft === 'Sig') {
    // Filling an empty signature field (ISO 32000-1 §12.8.1) is allowed; replacing a value is not.
    const wasSigned = o.has('V') && !(o.get('V') === null);
    const ok = !wasSigned && changed.every((c) => valueKeys.has(c));
    return { objectNumber: num, kind: ok ? 'signature' : 'other', description: ok ? 'an empty signature field was signed' : `signature field changed: ${changed.map((c) => '/' + c).join(' ')}` };
  }
  const ok = changed.every((c) => valueKeys.has(c) || c === 'DV');
  return { objectNumber: num, kind: ok ? 'form-fill' : 'other', description: ok ? 'a form field was filled' : `form field changed: ${changed.map((c) => '/' + c).join(' ')}` };
}

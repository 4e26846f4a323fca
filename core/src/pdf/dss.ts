/**
 * The Document Security Store (ISO 32000-2 §12.8.4.3; ETSI EN 319 142-1 §5.4.2): certificates, CRLs
 * and OCSP responses embedded so that signatures validate offline for years (PAdES B-LT).
 */
import { createHash } from 'node:crypto';
import { PdfDict, PdfName, PdfRef, PdfStream, PdfString, type PdfObject } from './objects.js';
import type { PdfReader } from './reader.js';
import type { IncrementalWriter } from './writer.js';

/** Validation material for one or more signatures. */
export interface ValidationData {
  certs: Uint8Array[];
  crls: Uint8Array[];
  ocsps: Uint8Array[];
}

/** What the document's DSS holds, as raw DER blobs. */
export interface DssContents extends ValidationData {
  /** VRI keys (upper-case hex SHA-1 of each signature's /Contents value). */
  vriKeys: string[];
}

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** Reads the DSS of the document (latest revision), or empty lists. */
export function readDss(reader: PdfReader): DssContents {
  const out: DssContents = { certs: [], crls: [], ocsps: [], vriKeys: [] };
  const dss = reader.resolve(reader.catalog.get('DSS'));
  if (!(dss instanceof PdfDict)) return out;
  const streams = (key: string): Uint8Array[] => {
    const arr = reader.resolve(dss.get(key));
    if (!Array.isArray(arr)) return [];
    const res: Uint8Array[] = [];
    for (const item of arr) {
      const s = reader.resolve(item);
      if (s instanceof PdfStream) res.push(s.decode());
    }
    return res;
  };
  out.certs = streams('Certs');
  out.crls = streams('CRLs');
  out.ocsps = streams('OCSPs');
  const vri = reader.resolve(dss.get('VRI'));
  if (vri instanceof PdfDict) out.vriKeys = vri.keys();
  return out;
}

/** The VRI key of a signature: upper-case hex SHA-1 of its /Contents bytes (ETSI EN 319 142-1 §5.4.2.3). */
export function vriKey(signatureContents: Uint8Array): string {
  return createHash('sha1').update(signatureContents).digest('hex').toUpperCase();
}

/**
 * Adds validation data to the DSS in the revision being written: keeps every existing entry (by
 * reference), appends new blobs not already present, and adds a /VRI entry per signature when given.
 */
export function addToDss(
  reader: PdfReader,
  writer: IncrementalWriter,
  data: ValidationData,
  vri: { key: string; data: ValidationData }[] = [],
  now?: Date,
): void {
  const existingObj = reader.catalog.get('DSS');
  const existing = reader.resolve(existingObj);
  const dss = existing instanceof PdfDict ? existing.clone() : new PdfDict({ Type: PdfName.of('DSS') });
  const index = new Map<string, PdfRef>();

  const merge = (key: 'Certs' | 'CRLs' | 'OCSPs', blobs: Uint8Array[]) => {
    const current = reader.resolve(dss.get(key));
    const arr: PdfObject[] = Array.isArray(current) ? [...current] : [];
    for (const item of arr) {
      if (item instanceof PdfRef) {
        const s = reader.resolve(item);
        if (s instanceof PdfStream) index.set(sha(s.decode()), item);
      }
    }
    for (const blob of blobs) {
      const h = sha(blob);
      if (index.has(h)) continue;
      const ref = writer.allocate();
      writer.set(ref, PdfStream.fromData(blob));
      index.set(h, ref);
      arr.push(ref);
    }
    if (arr.length > 0) dss.set(key, arr);
  };
  merge('Certs', data.certs);
  merge('CRLs', data.crls);
  merge('OCSPs', data.ocsps);

  if (vri.length > 0) {
    const cur = reader.resolve(dss.get('VRI'));
    const vriDict = cur instanceof PdfDict ? cur.clone() : new PdfDict();
    for (const v of vri) {
      const refsFor = (blobs: Uint8Array[]) => blobs.map((b) => index.get(sha(b))).filter((r): r is PdfRef => !!r);
      const entry = new PdfDict();
      const c = refsFor(v.data.certs), o = refsFor(v.data.ocsps), l = refsFor(v.data.crls);
      if (c.length) entry.set('Cert', c);
      if (o.length) entry.set('OCSP', o);
      if (l.length) entry.set('CRL', l);
      if (now) entry.set('TU', PdfString.fromDate(now));
      vriDict.set(v.key, entry);
    }
    dss.set('VRI', vriDict);
  }

  if (existingObj instanceof PdfRef) {
    writer.set(existingObj, dss);
  } else {
    const ref = writer.allocate();
    writer.set(ref, dss);
    const pending = writer.get(reader.catalogRef);
    const cat = (pending instanceof PdfDict ? pending : reader.catalog).clone();
    cat.set('DSS', ref);
    writer.set(reader.catalogRef, cat);
  }
}

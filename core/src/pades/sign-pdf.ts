/**
 * Signs a PDF at a PAdES baseline level, one incremental revision per signature
 * (ETSI EN 319 142-1 §5–6): prepare → digest → KeySigner → embed, then for B-LT a DSS revision and
 * for B-LTA a document time-stamp revision.
 */
import { SignetError, isSignetError } from '../errors.js';
import type { KeySigner } from '../ports/key-signer.js';
import type { Timestamper } from '../ports/timestamper.js';
import { systemClock, type Clock } from '../ports/clock.js';
import { PdfReader } from '../pdf/reader.js';
import { IncrementalWriter } from '../pdf/writer.js';
import { findSignatureFields, type Rect } from '../pdf/acroform.js';
import { PdfString } from '../pdf/objects.js';
import type { AppearanceProvider, CrossPageSeal } from '../pdf/appearance.js';
import { addToDss, vriKey } from '../pdf/dss.js';
import { buildPadesSignedData, parseSignedData } from '../cms/index.js';
import { parseTimestampToken } from '../tsa/index.js';
import { parseCertificate } from '../pki/index.js';
import { embedSignature, prepareSignature, type PrepareOptions } from './prepare.js';
import type { PadesLevel } from './levels.js';
import type { ValidationDataProvider } from './validation-data.js';

/** Options of {@link signPdf}. */
export interface SignPdfOptions {
  signer: KeySigner;
  /** Default B-B. B-T and above need a timestamper; B-LT and above need validation data. */
  level?: PadesLevel;
  timestamper?: Timestamper;
  validationData?: ValidationDataProvider;
  clock?: Clock;
  /** 1-based page of the widget. */
  page?: number;
  /** Widget rectangle in points; omit for an invisible signature. */
  rect?: Rect;
  appearance?: AppearanceProvider;
  /** A cross-page seal (骑缝章) across the right edges of the pages, in the same signature. */
  crossPage?: CrossPageSeal;
  fieldName?: string;
  certify?: 1 | 2 | 3;
  /** Display name; defaults to the certificate's CN. */
  signerName?: string;
  reason?: string;
  location?: string;
  contactInfo?: string;
  /** Text fields this signer fills, in the signature's own revision (see `PrepareOptions.fill`). */
  fill?: PrepareOptions['fill'];
}

const LEVEL_RANK: Record<PadesLevel, number> = { 'B-B': 0, 'B-T': 1, 'B-LT': 2, 'B-LTA': 3 };

/** Bytes to reserve in /Contents for a CMS from this signer (rounded up, with room for a token). */
export function estimateContentsSize(signer: KeySigner, withTimestamp: boolean): number {
  let n = signer.certificate.length + 1200;
  for (const c of signer.chain) n += c.length;
  n += signer.algorithm === 'rsa' ? 512 : 80;
  if (withTimestamp) n += 6144;
  return Math.ceil(n / 1024) * 1024;
}

/** Signs `pdf` and returns the new file: the original bytes followed by the new revision(s). */
export async function signPdf(pdf: Uint8Array, opts: SignPdfOptions): Promise<Uint8Array> {
  const level = opts.level ?? 'B-B';
  const rank = LEVEL_RANK[level];
  if (rank === undefined) throw new SignetError('LEVEL_UNKNOWN', `Unknown PAdES level "${level}"; use B-B, B-T, B-LT or B-LTA`);
  if (rank >= 1 && !opts.timestamper) throw new SignetError('INVALID_ARGUMENT', `Level ${level} needs a timestamper (embedded TSA or a TSA URL)`);
  if (rank >= 2 && !opts.validationData) throw new SignetError('INVALID_ARGUMENT', `Level ${level} needs a validation data provider`);
  const clock = opts.clock ?? systemClock;
  const reader = PdfReader.load(pdf);
  const signerName = opts.signerName ?? commonName(opts.signer.certificate);
  const timestamper = rank >= 1 ? opts.timestamper : undefined;

  let size = estimateContentsSize(opts.signer, !!timestamper);
  let signed: Uint8Array | undefined;
  let cms: Uint8Array | undefined;
  for (let attempt = 0; attempt < 3 && !signed; attempt++) {
    const prepared = prepareSignature(reader, {
      kind: 'signature',
      fieldName: opts.fieldName,
      page: opts.page,
      rect: opts.rect,
      appearance: opts.appearance,
      crossPage: opts.crossPage,
      certify: opts.certify,
      signingTime: clock.now(),
      signerName,
      reason: opts.reason,
      location: opts.location,
      contactInfo: opts.contactInfo,
      contentsSize: size,
      fill: opts.fill,
    });
    cms = await buildPadesSignedData({ signer: opts.signer, contentDigest: prepared.digest, timestamper });
    try {
      signed = embedSignature(prepared, cms);
    } catch (e) {
      if (!isSignetError(e, 'SIGNATURE_TOO_LARGE')) throw e;
      size = Math.ceil((cms.length * 1.25 + 1024) / 1024) * 1024;
    }
  }
  if (!signed || !cms) throw new SignetError('SIGNATURE_TOO_LARGE', 'The signature did not fit the reserved space after retries');

  if (rank >= 2) signed = await addValidationData(signed, { provider: opts.validationData!, now: clock.now() });
  if (rank >= 3) signed = await addDocumentTimestamp(signed, { timestamper: opts.timestamper! });
  return signed;
}

function commonName(cert: Uint8Array): string {
  try {
    const info = parseCertificate(cert);
    return info.subject.CN ?? info.subject.O ?? '';
  } catch {
    return '';
  }
}

/** The certificate chains a CMS signature needs validated: the signer's and its time-stamp's. */
export function chainsOfCms(cms: Uint8Array): { signatureChain: Uint8Array[]; timestampChain?: Uint8Array[] } {
  const sd = parseSignedData(cms);
  const si = sd.signerInfos[0];
  const leaf = sd.certificates.find((c) => {
    if (!si || !('serialHex' in si.sid)) return false;
    try {
      return parseCertificate(c).serialHex === si.sid.serialHex;
    } catch {
      return false;
    }
  }) ?? sd.certificates[0];
  const signatureChain = leaf ? [leaf, ...sd.certificates.filter((c) => c !== leaf)] : [];
  let timestampChain: Uint8Array[] | undefined;
  if (si?.timestampToken) {
    const tst = parseTimestampToken(si.timestampToken);
    if (tst.tsaCertificate) timestampChain = [tst.tsaCertificate, ...tst.certificates.filter((c) => c !== tst.tsaCertificate)];
  }
  return { signatureChain, timestampChain };
}

/**
 * Appends a DSS revision with the validation data (certificates, CRLs and OCSP responses) of every
 * signature and document time-stamp in the file, and one /VRI entry each: PAdES B-LT
 * (ETSI EN 319 142-1 §5.4). Refreshing earlier signers' data is what keeps their LTV current.
 */
export async function addValidationData(
  pdf: Uint8Array,
  opts: { provider: ValidationDataProvider; now: Date },
): Promise<Uint8Array> {
  const reader = PdfReader.load(pdf);
  const writer = new IncrementalWriter(reader);
  const all = { certs: [] as Uint8Array[], crls: [] as Uint8Array[], ocsps: [] as Uint8Array[] };
  const vri: { key: string; data: typeof all }[] = [];
  for (const field of findSignatureFields(reader)) {
    const contents = field.signature?.get('Contents');
    if (!(contents instanceof PdfString)) continue;
    const isDocTs = field.signature!.getName('Type') === 'DocTimeStamp' || field.signature!.getName('SubFilter') === 'ETSI.RFC3161';
    let chains: Uint8Array[][];
    try {
      if (isDocTs) {
        const tst = parseTimestampToken(contents.bytes);
        chains = tst.tsaCertificate ? [[tst.tsaCertificate, ...tst.certificates.filter((c) => c !== tst.tsaCertificate)]] : [];
      } else {
        const { signatureChain, timestampChain } = chainsOfCms(contents.bytes);
        chains = timestampChain ? [signatureChain, timestampChain] : [signatureChain];
      }
    } catch {
      continue; // a foreign signature we cannot parse keeps whatever validation data it has
    }
    const data = await opts.provider.collect(chains);
    all.certs.push(...data.certs);
    all.crls.push(...data.crls);
    all.ocsps.push(...data.ocsps);
    vri.push({ key: vriKey(contents.bytes), data });
  }
  addToDss(reader, writer, all, vri, opts.now);
  return writer.write().bytes;
}

/** Appends a document time-stamp revision (ETSI.RFC3161) over the whole file: PAdES B-LTA. */
export async function addDocumentTimestamp(pdf: Uint8Array, opts: { timestamper: Timestamper; clock?: Clock }): Promise<Uint8Array> {
  const reader = PdfReader.load(pdf);
  let size = 8192;
  for (let attempt = 0; attempt < 3; attempt++) {
    const prepared = prepareSignature(reader, {
      kind: 'doc-timestamp',
      signingTime: (opts.clock ?? systemClock).now(),
      contentsSize: size,
    });
    const token = await opts.timestamper.timestamp(prepared.digest, 'sha256');
    try {
      return embedSignature(prepared, token);
    } catch (e) {
      if (!isSignetError(e, 'SIGNATURE_TOO_LARGE')) throw e;
      size = Math.ceil((token.length * 1.25 + 1024) / 1024) * 1024;
    }
  }
  throw new SignetError('SIGNATURE_TOO_LARGE', 'The document time-stamp did not fit the reserved space after retries');
}

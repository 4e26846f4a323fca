/**
 * Phase 1 and 3 of interrupted signing (STYLE.md habit 3): prepare a revision with a signature
 * placeholder and compute the digest of its /ByteRange; later embed the CMS. Between the two, the
 * digest can travel to any KeySigner, a willingness check or an approval.
 */
import { createHash } from 'node:crypto';
import { SignetError } from '../errors.js';
import {
  PdfByteRangePlaceholder, PdfDict, PdfHexPlaceholder, PdfName, PdfString, type PdfStream,
} from '../pdf/objects.js';
import { PdfReader } from '../pdf/reader.js';
import { IncrementalWriter } from '../pdf/writer.js';
import {
  addSignatureField, assertRectOnPage, docMdpReference, fillTextFields, findSignatureFields, findTextFields,
  nextSignatureFieldName, readDocMdpPermission, updateCatalog, type Rect,
} from '../pdf/acroform.js';
import { AppearanceResources, crossPageSlices, textFieldAppearance, type AppearanceProvider, type CrossPageSeal } from '../pdf/appearance.js';
import type { FontProgram } from '../font/font-program.js';

/** What the new signature revision carries. */
export interface PrepareOptions {
  /** `signature` (a CAdES signature) or `doc-timestamp` (an RFC 3161 document time-stamp). */
  kind: 'signature' | 'doc-timestamp';
  /** Field name; default `Signature<n>` / `DocTimeStamp<n>`. */
  fieldName?: string;
  /** 1-based page of the widget (default 1). */
  page?: number;
  /** Widget rectangle in points; omit for an invisible signature. */
  rect?: Rect;
  /** Draws the visible widget. Required for a visible signature. */
  appearance?: AppearanceProvider;
  /**
   * A cross-page seal (骑缝章): more widgets of the same field, one slice of the seal at the right
   * edge of every page of the range, all in this signature's revision. Alone it is the signature's
   * only appearance; with `rect` the field also has its normal widget.
   */
  crossPage?: CrossPageSeal;
  /** Certify the document with DocMDP P (only for the first signature). */
  certify?: 1 | 2 | 3;
  /** The claimed signing time, written to /M (PAdES puts no signing-time attribute in the CMS). */
  signingTime: Date;
  /** Display name for /Name and the widget. */
  signerName?: string;
  reason?: string;
  location?: string;
  contactInfo?: string;
  /** Bytes reserved for the CMS in /Contents. */
  contentsSize: number;
  /**
   * Text fields (created empty before the first signature, see `addTextFields`) that this signer
   * fills: their values go in this signature's revision, so the signature covers them.
   */
  fill?: { values: { name: string; value: string }[]; font?: Uint8Array | FontProgram };
}

/** A revision with an empty /Contents, ready for its digest to be signed. */
export interface PreparedSignature {
  /** The whole new file: original bytes + the appended revision (with zeros in /Contents). */
  bytes: Uint8Array;
  /** [0, a, b, c]: the signed ranges around the /Contents hex string. */
  byteRange: [number, number, number, number];
  /** SHA-256 over the byte ranges: the CMS message-digest. */
  digest: Uint8Array;
  /** Capacity of /Contents in bytes. */
  capacity: number;
  fieldName: string;
}

/** Existing signatures of a document, and its DocMDP lock, checked before anything is written. */
export function checkCanSign(reader: PdfReader, certify?: 1 | 2 | 3): void {
  const mdp = readDocMdpPermission(reader);
  if (mdp?.p === 1) {
    throw new SignetError(
      'DOCMDP_LOCKED',
      'The document is certified with "no changes allowed" (DocMDP P=1); it cannot be signed again. Ask the certifier for an unlocked copy',
    );
  }
  if (certify !== undefined) {
    const signed = findSignatureFields(reader).some((f) => f.signature);
    if (signed) {
      throw new SignetError('CERTIFY_NOT_FIRST', 'The document is already signed; only the first signature can certify. Sign without --certify');
    }
  }
}

/** Builds the signature revision with placeholders and hashes its byte ranges. */
export function prepareSignature(input: Uint8Array | PdfReader, opts: PrepareOptions): PreparedSignature {
  const reader = input instanceof PdfReader ? input : PdfReader.load(input);
  // Document time-stamps and DSS updates stay allowed under every DocMDP level (ETSI EN 319 142-1 §5.4).
  if (opts.kind === 'signature') checkCanSign(reader, opts.certify);
  const pageIndex = (opts.page ?? 1) - 1;
  if (pageIndex < 0 || pageIndex >= reader.pageCount()) {
    throw new SignetError('PDF_PAGE_OUT_OF_RANGE', `Page ${opts.page} does not exist; the document has ${reader.pageCount()} page(s)`);
  }
  if (opts.rect) assertRectOnPage(reader, pageIndex, opts.rect);

  const writer = new IncrementalWriter(reader);
  const contents = new PdfHexPlaceholder(opts.contentsSize);
  const byteRange = new PdfByteRangePlaceholder();
  const sig = new PdfDict();
  if (opts.kind === 'doc-timestamp') {
    sig.set('Type', PdfName.of('DocTimeStamp'));
    sig.set('Filter', PdfName.of('Adobe.PPKLite'));
    sig.set('SubFilter', PdfName.of('ETSI.RFC3161'));
  } else {
    sig.set('Type', PdfName.of('Sig'));
    sig.set('Filter', PdfName.of('Adobe.PPKLite'));
    sig.set('SubFilter', PdfName.of('ETSI.CAdES.detached'));
    sig.set('M', PdfString.fromDate(opts.signingTime));
    if (opts.signerName) sig.set('Name', PdfString.fromText(opts.signerName));
    if (opts.reason) sig.set('Reason', PdfString.fromText(opts.reason));
    if (opts.location) sig.set('Location', PdfString.fromText(opts.location));
    if (opts.contactInfo) sig.set('ContactInfo', PdfString.fromText(opts.contactInfo));
    sig.set('Prop_Build', new PdfDict({ App: new PdfDict({ Name: PdfName.of('Signet') }) }));
    if (opts.certify) sig.set('Reference', [docMdpReference(opts.certify)]);
  }
  sig.set('ByteRange', byteRange);
  sig.set('Contents', contents);
  const sigRef = writer.allocate();
  writer.set(sigRef, sig);

  const fieldName = opts.fieldName ?? nextSignatureFieldName(reader, opts.kind === 'doc-timestamp' ? 'DocTimeStamp' : 'Signature');
  // One set of resources for the revision: each font subset and each seal XObject is written once.
  const resources = new AppearanceResources(writer);
  let appearance: PdfStream | undefined;
  if (opts.rect) {
    if (!opts.appearance) throw new SignetError('INVALID_ARGUMENT', 'A visible signature needs an appearance provider');
    appearance = opts.appearance.build({
      width: opts.rect.w,
      height: opts.rect.h,
      signerName: opts.signerName ?? '',
      signingTime: opts.signingTime,
      reason: opts.reason,
      location: opts.location,
      writer,
      resources,
    });
  }
  if (opts.crossPage && opts.kind !== 'signature') throw new SignetError('INVALID_ARGUMENT', 'A document time-stamp has no cross-page seal');
  const extraWidgets = opts.crossPage ? crossPageSlices(reader, opts.crossPage, resources) : undefined;
  if (opts.fill?.values.length) {
    const fields = findTextFields(reader);
    fillTextFields(reader, writer, opts.fill.values.map((v) => {
      const f = fields.get(v.name);
      if (!f) throw new SignetError('PDF_FIELD_MISSING', `The document has no text field "${v.name}" to fill`);
      return { ...v, appearance: textFieldAppearance({ value: v.value, width: f.rect.w, height: f.rect.h, resources, writer, font: opts.fill!.font }) };
    }));
  }
  addSignatureField(reader, writer, { name: fieldName, pageIndex, rect: opts.rect, appearance, signatureRef: sigRef, extraWidgets });
  resources.finish();
  if (opts.kind === 'signature' && opts.certify) updateCatalog(reader, writer, { Perms: new PdfDict({ DocMDP: sigRef }) });

  const { bytes, placeholders } = writer.write();
  const c = placeholders.get(contents)!;
  const br = placeholders.get(byteRange)!;
  const range: [number, number, number, number] = [0, c.start, c.end, bytes.length - c.end];
  const text = `[0 ${range[1]} ${range[2]} ${range[3]}]`;
  const width = br.end - br.start;
  if (text.length > width) throw new SignetError('INTERNAL', 'ByteRange placeholder too small');
  const patched = text.slice(0, -1).padEnd(width - 1, ' ') + ']';
  for (let i = 0; i < width; i++) bytes[br.start + i] = patched.charCodeAt(i);

  const digest = createHash('sha256').update(bytes.subarray(0, range[1])).update(bytes.subarray(range[2])).digest();
  return { bytes, byteRange: range, digest, capacity: opts.contentsSize, fieldName };
}

const HEX = new TextEncoder().encode('0123456789abcdef');

/**
 * Writes the CMS (or time-stamp token) into the reserved /Contents, in place, and returns the bytes.
 * Throws SIGNATURE_TOO_LARGE when it does not fit (callers retry with more space).
 */
export function embedSignature(prepared: PreparedSignature, cms: Uint8Array): Uint8Array {
  if (cms.length > prepared.capacity) {
    throw new SignetError('SIGNATURE_TOO_LARGE', `The signature (${cms.length} bytes) exceeds the reserved ${prepared.capacity} bytes`, {
      needed: cms.length,
    });
  }
  const out = prepared.bytes;
  let p = prepared.byteRange[1] + 1;
  for (let i = 0; i < cms.length; i++) {
    out[p++] = HEX[cms[i] >> 4];
    out[p++] = HEX[cms[i] & 15];
  }
  return out;
}

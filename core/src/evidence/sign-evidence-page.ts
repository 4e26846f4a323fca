/**
 * Signs an evidence page (签约存证页) as the platform: PAdES B-T at least, with an RFC 3161
 * signature time-stamp, and B-LT when validation data is given (ETSI EN 319 142-1 §6.3).
 */
import { SignetError } from '../errors.js';
import type { KeySigner } from '../ports/key-signer.js';
import type { Timestamper } from '../ports/timestamper.js';
import type { Clock } from '../ports/clock.js';
import { PdfReader } from '../pdf/reader.js';
import { findSignatureFields } from '../pdf/acroform.js';
import { signPdf } from '../pades/sign-pdf.js';
import type { PadesLevel } from '../pades/levels.js';
import type { ValidationDataProvider } from '../pades/validation-data.js';
import { readEvidenceRecord } from './evidence-page.js';

/** Options of {@link signEvidencePage}. */
export interface SignEvidencePageOptions {
  /** The platform's KeySigner (an organization certificate such as "Signet 签约平台"). */
  signer: KeySigner;
  /** The RFC 3161 time-stamp authority; the page is always time-stamped. */
  timestamper: Timestamper;
  /** Revocation data for B-LT; without it the page is signed at B-T. */
  validationData?: ValidationDataProvider;
  /** Default B-LT with validation data, else B-T. B-B is refused: the page must carry a time. */
  level?: Exclude<PadesLevel, 'B-B'>;
  clock?: Clock;
}

/** The signature field of every evidence page. */
export const EVIDENCE_SIGNATURE_FIELD = 'SignetEvidence';

/**
 * Signs the evidence page built by `buildEvidencePage` in a new incremental revision, certifying it
 * with DocMDP P=1 (ISO 32000-1 §12.8.2.2: no change allowed, only validation data and document
 * time-stamps may follow) and time-stamping the signature (RFC 3161; PAdES B-T, or B-LT with
 * `validationData`).
 *
 * The evidence page is, and stays, its own PDF. Never append it to the signed contract: a page
 * added after the signatures is a change that the signers did not sign, and a verifier must report
 * the contract as illegally modified (ISO 32000-1 §12.8.2.2.1; ETSI EN 319 142-1 §5.4). Keep the
 * two side by side in the evidence package instead.
 *
 * Throws INVALID_ARGUMENT when `pdf` is not an evidence page from `buildEvidencePage` or is already
 * signed, and LEVEL_UNKNOWN for a level below B-T.
 */
export async function signEvidencePage(pdf: Uint8Array, opts: SignEvidencePageOptions): Promise<Uint8Array> {
  const record = readEvidenceRecord(pdf);
  if (!record) {
    throw new SignetError('INVALID_ARGUMENT', 'This PDF is not an evidence page: build it with buildEvidencePage(). A signed contract never gets an evidence page added to it.');
  }
  if (findSignatureFields(PdfReader.load(pdf)).some((f) => f.signature)) {
    throw new SignetError('INVALID_ARGUMENT', 'The evidence page is already signed; sign a freshly built page once.');
  }
  const level = opts.level ?? (opts.validationData ? 'B-LT' : 'B-T');
  if (!['B-T', 'B-LT', 'B-LTA'].includes(level)) {
    throw new SignetError('LEVEL_UNKNOWN', `The evidence page needs a time-stamp: use B-T, B-LT or B-LTA, not "${level}"`);
  }
  return signPdf(pdf, {
    signer: opts.signer,
    level,
    timestamper: opts.timestamper,
    validationData: opts.validationData,
    clock: opts.clock,
    certify: 1,
    fieldName: EVIDENCE_SIGNATURE_FIELD,
    signerName: record.platform.name,
    reason: `签约存证 Evidence of signing: ${record.contract.number}`.slice(0, 200),
    location: record.platform.name,
  });
}

/**
 * The colour of a verification report and of each signature, the way Adobe Reader's signature
 * panel decides it: green when the signature is TOTAL_PASSED (ETSI EN 319 102-1 §5.1.3) and
 * nothing illegal changed after it; red when it failed (hash, cryptography, revoked) or the
 * document was changed in a way its DocMDP permissions (ISO 32000-1 §12.8.2.2) do not allow;
 * amber otherwise (INDETERMINATE: an untrusted certificate, missing validation data).
 */
import type { SignatureReport, VerificationReport } from '@signet/core';

/** Green, amber or red. */
export type Tone = 'ok' | 'warn' | 'bad';

/** The tone of one signature or document time-stamp. */
export function signatureTone(s: SignatureReport): Tone {
  const intact = s.integrity.byteRangeValid && s.integrity.digestMatches && s.integrity.signatureValid;
  if (s.indication === 'TOTAL_FAILED' || !intact || !s.modifications.allowed) return 'bad';
  if (s.indication === 'TOTAL_PASSED') return 'ok';
  return 'warn';
}

/** The tone of a whole file: red if any signature is red, green only when the report is valid, else amber. */
export function reportTone(r: VerificationReport): Tone | 'none' {
  if (r.signatures.length === 0) return 'none';
  const tones = r.signatures.map(signatureTone);
  if (tones.includes('bad')) return 'bad';
  if (r.valid && tones.every((t) => t === 'ok')) return 'ok';
  return 'warn';
}

/**
 * Renders a verification report as text laid out like Adobe Reader's signature panel, Chinese first
 * with English alongside on the verdict lines.
 */
import type { SignatureReport, VerificationReport } from './report.js';

const MOD_TEXT: Record<string, string> = {
  none: 'Document has not been modified since this signature was applied',
  'lta-updates': 'Document has not been modified since this signature was applied (only validation data or time-stamps were added)',
  'form-filling': 'Later revisions only added signatures or filled form fields (allowed)',
  annotations: 'Later revisions added annotations (allowed)',
  other: 'Document has been altered after this signature was applied',
};

function line(r: SignatureReport): string[] {
  const out: string[] = [];
  const who = r.signer?.commonName ?? r.signer?.organization ?? 'unknown signer';
  const kind = r.type === 'doc-timestamp' ? 'Document time-stamp' : 'Signature';
  const ok = r.indication === 'TOTAL_PASSED' && r.modifications.allowed;
  const mark = ok ? '[VALID]' : r.indication === 'TOTAL_FAILED' ? '[INVALID]' : '[UNKNOWN]';
  out.push(`${mark} Rev. ${r.revision}/${r.revisionCount}: ${kind} "${r.fieldName}" by ${who}`);
  if (r.integrity.byteRangeValid && r.integrity.digestMatches && r.integrity.signatureValid) {
    out.push(`    - ${r.modifications.allowed ? MOD_TEXT[r.modifications.level] : MOD_TEXT.other}`);
  } else if (!r.integrity.byteRangeValid) {
    out.push('    - Signature byte range is invalid');
  } else {
    out.push(`    - Document has been altered or corrupted since it was signed (${r.integrity.digestMatches ? 'signature value invalid' : 'digest mismatch'})`);
  }
  for (const d of r.modifications.disallowed.slice(0, 5)) out.push(`      ! ${d.description} (object ${d.objectNumber})`);
  out.push(r.certificate.trusted ? "    - Signer's identity is valid" : `    - Signer's identity is unknown: ${r.certificate.problems.join('; ') || 'not trusted'}`);
  if (r.signer) out.push(`      Subject: ${r.signer.subject}; serial ${r.signer.serialNumber}`);
  if (r.type === 'signature') {
    if (r.timestamp) out.push(`    - Signature includes an embedded timestamp: ${r.timestamp.time}${r.timestamp.valid && r.timestamp.trusted ? '' : ' (NOT valid/trusted)'}${r.timestamp.authority ? ` by ${r.timestamp.authority}` : ''}`);
    else out.push(`    - Signing time is from the signer's clock: ${r.claimedTime ?? 'unknown'}`);
  } else if (r.timestamp) {
    out.push(`    - Time-stamp time: ${r.timestamp.time}`);
  }
  out.push(r.ltv ? '    - Signature is LTV enabled' : '    - Signature is not LTV enabled');
  for (const rv of r.certificate.revocation) out.push(`      revocation ${rv.subject}: ${rv.status}${rv.source ? ` (${rv.source})` : ''}`);
  if (r.certification) out.push(`    - Certified (DocMDP P=${r.certification.p}): locked, ${r.certification.description}`);
  out.push(`    - Field: ${r.fieldName}${r.page ? ` on page ${r.page}` : ''}${r.visible ? '' : ' (invisible)'}${r.position ? ` at x=${r.position.x} y=${r.position.y}` : ''}`);
  if (r.widgets) out.push(`    - ${r.widgets.length} widgets of this one signature (cross-page seal 骑缝章) on pages ${r.widgets.map((w) => w.page ?? '?').join(', ')}`);
  out.push(`    - ${r.coversWholeDocument ? 'Covers the whole document' : 'Covers revision ' + r.revision + ' (later revisions follow)'}; PAdES ${r.padesLevel}; ETSI ${r.indication}${r.subIndication ? '/' + r.subIndication : ''}`);
  for (const p of r.problems) out.push(`      ! ${p}`);
  return out;
}

/** Formats the report for a terminal. */
export function formatReport(report: VerificationReport): string {
  const out = [`${report.summaryZh}  ${report.summary}`, `File SHA-256 ${report.fileSha256}; ${report.revisionCount} revision(s), ${report.signatureCount} signature(s)`];
  for (const s of report.signatures) out.push('', ...line(s));
  return out.join('\n') + '\n';
}

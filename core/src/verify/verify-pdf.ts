/**
 * Validates every signature and document time-stamp of a PDF: /ByteRange coverage and integrity,
 * the CMS signature, the certificate chain to the trust anchors with revocation, the time-stamp, the
 * PAdES level, and what later revisions changed (allowed or not, honouring DocMDP).
 */
import { createHash } from 'node:crypto';
import { PdfReader } from '../pdf/reader.js';
import { PdfString } from '../pdf/objects.js';
import { findSignatureFields, readDocMdpPermission, type SignatureFieldInfo } from '../pdf/acroform.js';
import { readDss } from '../pdf/dss.js';
import { parseSignedData, verifySignerInfo } from '../cms/index.js';
import { parseTimestampToken, verifyTimestampToken } from '../tsa/index.js';
import { parseCertificate, validateChain, type CertificateInfo, type ChainResult } from '../pki/index.js';
import { allowedKinds, analyzeRevision, modificationLevel, type MdpLevel, type RevisionChanges } from './modifications.js';
import type { CertificateSummary, SignatureReport, TimestampSummary, VerificationReport } from './report.js';

/** Options of {@link verifyPdf}. */
export interface VerifyOptions {
  /** Trusted roots (DER). Signatures chaining elsewhere are INDETERMINATE / NO_CERTIFICATE_CHAIN_FOUND. */
  trustAnchors: Uint8Array[];
  /** Validation time when no time-stamp proves an earlier one. Default: now. */
  now?: Date;
}

const MDP_TEXT: Record<1 | 2 | 3, string> = {
  1: 'no changes allowed',
  2: 'form filling and signing allowed',
  3: 'form filling, signing and annotations allowed',
};

const summaries = new WeakMap<CertificateInfo, CertificateSummary>();

/** Summarizes a certificate for the report (once per parsed certificate; callers get a copy). */
export function summarizeCertificate(c: CertificateInfo): CertificateSummary {
  let s = summaries.get(c);
  if (!s) summaries.set(c, (s = makeSummary(c)));
  return { ...s };
}

function makeSummary(c: CertificateInfo): CertificateSummary {
  const fmtDn = (dn: Record<string, string>) => Object.entries(dn).map(([k, v]) => `${k}=${v}`).join(', ');
  return {
    subject: fmtDn(c.subject),
    commonName: c.subject.CN,
    organization: c.subject.O,
    issuer: fmtDn(c.issuer),
    serialNumber: c.serialHex,
    notBefore: c.notBefore.toISOString(),
    notAfter: c.notAfter.toISOString(),
    sha256: c.sha256Hex,
  };
}

function sha256Hex(b: Uint8Array): string {
  return createHash('sha256').update(b).digest('hex');
}

/** Verifies a PDF. Unreadable input throws a SignetError; every verification outcome is data. */
export function verifyPdf(bytes: Uint8Array, opts: VerifyOptions): VerificationReport {
  const reader = PdfReader.load(bytes);
  const now = opts.now ?? new Date();
  const fields = findSignatureFields(reader).filter((f) => f.signature);
  const dss = readDss(reader);
  const revisionCount = reader.revisions.length;
  const changesCache = new Map<number, RevisionChanges>();
  const changesOf = (k: number) => {
    let c = changesCache.get(k);
    if (!c) changesCache.set(k, (c = analyzeRevision(reader, k)));
    return c;
  };
  const mdp = readDocMdpPermission(reader);

  // Hash the file once: the latest signature's signed prefix is shared with the whole-file hash
  // (node's Hash.copy forks the SHA-256 state), so a single-signature file costs one pass.
  let latest: { field: SignatureFieldInfo; br: number[] } | undefined;
  for (const f of fields) {
    const br = reader.resolve(f.signature!.get('ByteRange'));
    if (!Array.isArray(br) || br.length !== 4 || !br.every((n) => typeof n === 'number' && n >= 0)) continue;
    const nums = br as number[];
    if (nums[0] !== 0 || nums[1] >= nums[2] || nums[2] + nums[3] > bytes.length) continue;
    if (!latest || nums[1] > latest.br[1]) latest = { field: f, br: nums };
  }
  let fileSha256: string;
  const presha = new Map<SignatureFieldInfo, Uint8Array>();
  if (latest) {
    const [, a, b, c] = latest.br;
    const h = createHash('sha256').update(bytes.subarray(0, a));
    presha.set(latest.field, h.copy().update(bytes.subarray(b, b + c)).digest());
    fileSha256 = h.update(bytes.subarray(a)).digest('hex');
  } else {
    fileSha256 = sha256Hex(bytes);
  }

  // Reports in signing order (by revision), which is AcroForm order for well-behaved files.
  const reports = fields.map((f, i) => verifyOne(reader, f, i, { dss, now, anchors: opts.trustAnchors, changesOf, mdp, presha: presha.get(f) }));
  reports.sort((a, b) => a.revision - b.revision || a.index - b.index);
  reports.forEach((r, i) => (r.index = i + 1));

  // B-LTA: a valid document time-stamp after a B-LT signature lifts it.
  for (const r of reports) {
    if (r.type !== 'signature' || r.padesLevel !== 'B-LT') continue;
    if (reports.some((t) => t.type === 'doc-timestamp' && t.revision > r.revision && t.indication === 'TOTAL_PASSED')) r.padesLevel = 'B-LTA';
  }
  const certifier = reports.find((r) => r.certification);
  const valid = reports.length > 0 && reports.every((r) => r.indication === 'TOTAL_PASSED' && r.modifications.allowed);
  const anyInvalid = reports.some((r) => r.indication === 'TOTAL_FAILED');
  const summary = reports.length === 0
    ? 'The document is not signed.'
    : valid
      ? certifier
        ? `Certified by ${certifier.signer?.commonName ?? 'unknown'}, ${MDP_TEXT[certifier.certification!.p]}. Signed and all signatures are valid.`
        : 'Signed and all signatures are valid.'
      : anyInvalid
        ? 'At least one signature is invalid.'
        : 'At least one signature has problems.';
  const summaryZh = reports.length === 0 ? '文档未签名。' : valid ? '已签名，所有签名均有效。' : anyInvalid ? '至少有一个签名无效。' : '至少有一个签名存在问题。';
  return {
    valid,
    summary,
    summaryZh,
    fileSha256,
    fileSize: bytes.length,
    revisionCount,
    signatureCount: reports.length,
    certified: certifier ? { p: certifier.certification!.p, by: certifier.signer?.commonName } : undefined,
    signatures: reports,
    verifiedAt: now.toISOString(),
  };
}

interface Ctx {
  dss: ReturnType<typeof readDss>;
  now: Date;
  anchors: Uint8Array[];
  changesOf: (k: number) => RevisionChanges;
  mdp: ReturnType<typeof readDocMdpPermission>;
  /** SHA-256 over this signature's byte ranges, when already computed. */
  presha?: Uint8Array;
}

function verifyOne(reader: PdfReader, field: SignatureFieldInfo, i: number, ctx: Ctx): SignatureReport {
  const sig = field.signature!;
  const bytes = reader.bytes;
  const problems: string[] = [];
  const subFilter = sig.getName('SubFilter') ?? '';
  const isDocTs = sig.getName('Type') === 'DocTimeStamp' || subFilter === 'ETSI.RFC3161';
  const brObj = reader.resolve(sig.get('ByteRange'));
  const br = Array.isArray(brObj) && brObj.length === 4 && brObj.every((n) => typeof n === 'number') ? (brObj as number[]) : [];
  const contentsObj = reader.resolve(sig.get('Contents'));
  const contents = contentsObj instanceof PdfString ? contentsObj.bytes : new Uint8Array();

  // /ByteRange must start at 0, skip exactly the /Contents hex string, and end at a revision boundary.
  let byteRangeValid = br.length === 4 && br[0] === 0 && br[1] > 0 && br[2] > br[1] && br[3] >= 0 && br[2] + br[3] <= bytes.length;
  if (byteRangeValid) {
    if (bytes[br[1]] !== 0x3c || bytes[br[2] - 1] !== 0x3e) byteRangeValid = false;
    else if ((br[2] - br[1] - 2) !== contents.length * 2) byteRangeValid = false;
  }
  if (!byteRangeValid) problems.push('The /ByteRange does not exclude exactly the signature value');
  const end = br.length === 4 ? br[2] + br[3] : 0;
  let revIdx = reader.revisions.findIndex((r) => r.endOffset >= end && isWhitespace(bytes, end, r.endOffset));
  if (revIdx < 0) {
    revIdx = reader.revisions.length - 1;
    if (byteRangeValid) problems.push('The signed range does not end at a revision boundary');
    byteRangeValid = false;
  }
  const coversWholeDocument = byteRangeValid && isWhitespace(bytes, end, bytes.length);

  let digest: Uint8Array = new Uint8Array();
  const hashRanges = (alg: string) => {
    if (!byteRangeValid) return new Uint8Array();
    if (alg === 'sha256' && ctx.presha) return ctx.presha;
    return createHash(alg).update(bytes.subarray(0, br[1])).update(bytes.subarray(br[2], br[2] + br[3])).digest();
  };

  let signerInfo: CertificateInfo | undefined;
  let digestMatches = false;
  let signatureValid = false;
  let algorithm: string | undefined;
  let timestamp: TimestampSummary | undefined;
  let tsTime: Date | undefined;
  let tsChain: ChainResult | undefined;
  const extraCerts: Uint8Array[] = [...ctx.dss.certs];
  const crls = [...ctx.dss.crls];
  const ocsps = [...ctx.dss.ocsps];

  try {
    if (isDocTs) {
      const alg = nodeHashName(parseTimestampToken(contents).messageImprint.algorithm);
      digest = hashRanges(alg);
      const v = verifyTimestampToken(contents, { digest, algorithm: alg }, extraCerts);
      digestMatches = v.imprintMatches;
      signatureValid = v.signatureValid;
      problems.push(...v.problems);
      algorithm = 'RFC3161';
      if (v.tsaCertificate) signerInfo = parseCertificate(v.tsaCertificate);
      tsTime = v.genTime;
    } else {
      const sd = parseSignedData(contents);
      extraCerts.push(...sd.certificates);
      crls.push(...sd.crls);
      const si = sd.signerInfos[0];
      if (!si) throw new Error('the CMS has no SignerInfo');
      digest = hashRanges(nodeHashName(si.digestAlgorithm));
      const v = verifySignerInfo(sd, 0, digest, ctx.dss.certs);
      digestMatches = v.digestMatches;
      signatureValid = v.signatureValid;
      algorithm = v.algorithm;
      problems.push(...v.problems);
      if (v.signerCertificate) signerInfo = parseCertificate(v.signerCertificate);
      if (si.timestampToken) {
        const tv = verifyTimestampToken(si.timestampToken, { content: si.signature }, extraCerts);
        tsTime = tv.genTime;
        if (tv.tsaCertificate) {
          tsChain = validateChain(tv.tsaCertificate, { intermediates: extraCerts, anchors: ctx.anchors, at: tv.genTime, crls, ocsps });
        }
        const ok = tv.imprintMatches && tv.signatureValid;
        timestamp = {
          time: tv.genTime.toISOString(),
          valid: ok,
          trusted: !!tsChain?.trusted,
          authority: tv.tsaCertificate ? parseCertificate(tv.tsaCertificate).subject.CN : undefined,
          problems: [...tv.problems, ...(tsChain?.problems ?? [])],
        };
        if (!ok) tsTime = undefined;
      }
    }
  } catch (e) {
    problems.push(`The signature value cannot be parsed: ${(e as Error).message}`);
  }

  const at = isDocTs ? ctx.now : tsTime && timestamp?.trusted ? tsTime : ctx.now;
  let chain: ChainResult | undefined;
  if (signerInfo) {
    chain = validateChain(signerInfo.der, { intermediates: extraCerts, anchors: ctx.anchors, at, crls, ocsps });
    if (isDocTs) {
      timestamp = { time: tsTime!.toISOString(), valid: digestMatches && signatureValid, trusted: chain.trusted, authority: signerInfo.subject.CN, problems: chain.problems };
    }
  }

  // LTV: every non-anchor certificate of the signer's (and time-stamp's) chain has revocation data.
  const covered = (c?: ChainResult) => !!c && c.trusted && c.revocation.every((r) => r.status === 'good');
  const ltv = covered(chain) && (isDocTs || !timestamp || covered(tsChain)) && (ctx.dss.ocsps.length + ctx.dss.crls.length > 0);

  // Modifications after this signature's revision.
  const certifies = !isDocTs && ctx.mdp?.signatureRef && field.signatureRef && ctx.mdp.signatureRef.num === field.signatureRef.num;
  const revisions: RevisionChanges[] = [];
  for (let k = revIdx + 1; k < reader.revisions.length; k++) revisions.push(ctx.changesOf(k));
  const mdpLevel: MdpLevel = (ctx.mdp?.p ?? 0) as MdpLevel;
  const allowed = allowedKinds(mdpLevel);
  const disallowed = revisions.flatMap((r) => r.changes.filter((c) => !allowed.has(c.kind)));
  const level = modificationLevel(revisions.flatMap((r) => r.changes.map((c) => c.kind)));

  // ETSI indication.
  let indication: SignatureReport['indication'] = 'TOTAL_PASSED';
  let subIndication: SignatureReport['subIndication'];
  if (!byteRangeValid) [indication, subIndication] = ['TOTAL_FAILED', 'FORMAT_FAILURE'];
  else if (!digestMatches) [indication, subIndication] = ['TOTAL_FAILED', 'HASH_FAILURE'];
  else if (!signatureValid) [indication, subIndication] = ['TOTAL_FAILED', 'SIG_CRYPTO_FAILURE'];
  else if (disallowed.length > 0) [indication, subIndication] = ['TOTAL_FAILED', 'MODIFIED_AFTER_SIGNING'];
  else if (!chain) [indication, subIndication] = ['INDETERMINATE', 'NO_CERTIFICATE_CHAIN_FOUND'];
  else if (chain.revocation.some((r) => r.status === 'revoked')) {
    const revokedBefore = chain.revocation.some((r) => r.status === 'revoked' && r.revokedAt && r.revokedAt <= at);
    [indication, subIndication] = revokedBefore ? ['TOTAL_FAILED', 'REVOKED'] : ['TOTAL_PASSED', undefined];
  } else if (!chain.trusted) {
    const expired = signerInfo && (at < signerInfo.notBefore || at > signerInfo.notAfter);
    [indication, subIndication] = ['INDETERMINATE', expired ? 'OUT_OF_BOUNDS_NO_POE' : 'NO_CERTIFICATE_CHAIN_FOUND'];
  }
  if (disallowed.length) problems.push(`The document was changed after this signature in ways that are not allowed: ${disallowed.map((d) => d.description).join('; ')}`);

  let padesLevel: SignatureReport['padesLevel'] = 'none';
  if (!isDocTs && subFilter === 'ETSI.CAdES.detached' && indication !== 'TOTAL_FAILED') {
    padesLevel = 'B-B';
    if (timestamp?.valid) padesLevel = 'B-T';
    if (padesLevel === 'B-T' && ltv) padesLevel = 'B-LT';
  }

  const page = field.pageIndex >= 0 ? field.pageIndex + 1 : null;
  const rect = field.rect;
  const visibleRect = (r?: [number, number, number, number]) => !!r && Math.abs(r[2] - r[0]) > 0 && Math.abs(r[3] - r[1]) > 0;
  const positionOf = (pageIndex: number, r?: [number, number, number, number]): SignatureReport['position'] => {
    if (!visibleRect(r) || pageIndex < 0) return undefined;
    const box = reader.getPage(pageIndex).mediaBox;
    const pw = box[2] - box[0], ph = box[3] - box[1];
    const x1 = Math.min(r![0], r![2]), y1 = Math.min(r![1], r![3]);
    const round = (n: number) => Math.round(n * 10000) / 10000;
    return { x: round((x1 - box[0]) / pw), y: round((y1 - box[1]) / ph), w: round(Math.abs(r![2] - r![0]) / pw), h: round(Math.abs(r![3] - r![1]) / ph) };
  };
  const visible = field.widgets.some((w) => visibleRect(w.rect)) || visibleRect(rect);
  const position = positionOf(field.pageIndex, rect);
  const widgets = field.widgets.length > 1
    ? field.widgets.map((w) => ({ page: w.pageIndex >= 0 ? w.pageIndex + 1 : null, position: positionOf(w.pageIndex, w.rect) }))
    : undefined;
  const text = (key: string) => {
    const v = reader.resolve(sig.get(key));
    return v instanceof PdfString ? v.toText() : undefined;
  };
  const m = reader.resolve(sig.get('M'));
  const claimed = m instanceof PdfString ? m.toDate() : undefined;
  return {
    index: i + 1,
    type: isDocTs ? 'doc-timestamp' : 'signature',
    fieldName: field.name,
    subFilter,
    page,
    position,
    visible,
    widgets,
    signer: signerInfo ? summarizeCertificate(signerInfo) : undefined,
    claimedTime: claimed?.toISOString(),
    reason: text('Reason'),
    location: text('Location'),
    revision: revIdx + 1,
    revisionCount: reader.revisions.length,
    byteRange: br,
    coversWholeDocument,
    integrity: { byteRangeValid, digestMatches, signatureValid, algorithm },
    timestamp,
    certificate: {
      trusted: !!chain?.trusted,
      chain: chain?.chain.map(summarizeCertificate) ?? [],
      problems: chain?.problems ?? ['The signer certificate was not found in the signature'],
      revocation: chain?.revocation.map((r) => ({ subject: r.subject, status: r.status, source: r.source })) ?? [],
    },
    ltv,
    certification: certifies ? { p: ctx.mdp!.p, description: MDP_TEXT[ctx.mdp!.p] } : undefined,
    modifications: { level, allowed: disallowed.length === 0, disallowed, revisions },
    padesLevel,
    indication,
    subIndication,
    problems,
  };
}

function isWhitespace(b: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = b[i];
    if (c !== 0x0a && c !== 0x0d && c !== 0x20 && c !== 0x09 && c !== 0x00 && c !== 0x0c) return false;
  }
  return true;
}

function nodeHashName(alg: string): string {
  const a = alg.toLowerCase().replace('-', '');
  return ['sha1', 'sha256', 'sha384', 'sha512'].includes(a) ? a : 'sha256';
}


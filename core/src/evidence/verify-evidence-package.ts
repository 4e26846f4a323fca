/**
 * Verifies an evidence package offline: the manifest against every entry, every signature of every
 * signed file and of the evidence page, the audit hash chain and its head time-stamp, and that the
 * files are the ones the platform-signed evidence page names. The outcome is a report as data.
 */
import { createHash } from 'node:crypto';
import { SignetError, isSignetError } from '../errors.js';
import { verifyPdf } from '../verify/verify-pdf.js';
import type { VerificationReport } from '../verify/report.js';
import { canonicalJson, parseAuditEvents, verifyAuditChain, verifyChainHeadTimestamp, type ChainHeadTimestampCheck } from './audit-chain.js';
import { readEvidenceRecord } from './evidence-page.js';
import type { EvidenceRecord } from './evidence-input.js';
import {
  EVIDENCE_PACKAGE_ENTRIES, EVIDENCE_PACKAGE_FORMAT, EVIDENCE_PACKAGE_VERSION,
  type EvidenceEntryRole, type EvidenceManifest, type EvidenceManifestEntry,
} from './evidence-package.js';
import { safeUnzip, type ZipLimits } from './safe-unzip.js';

/** Every way a package can fail a check, each a stable code. */
export type EvidenceProblemCode =
  /** The manifest lists an entry the zip does not hold. */
  | 'ENTRY_MISSING'
  /** The zip holds an entry the manifest does not list. */
  | 'ENTRY_NOT_IN_MANIFEST'
  | 'ENTRY_SIZE_MISMATCH'
  | 'ENTRY_HASH_MISMATCH'
  /** The manifest lacks the evidence page, the audit log, or the signed copy of a file. */
  | 'MANIFEST_INCOMPLETE'
  /** The evidence page's signature is not valid (or the page cannot be read). */
  | 'EVIDENCE_PAGE_INVALID'
  /** The evidence page's signature carries no valid time-stamp (below PAdES B-T). */
  | 'EVIDENCE_PAGE_NOT_TIMESTAMPED'
  /** The evidence page embeds no evidence data. */
  | 'EVIDENCE_PAGE_NO_DATA'
  /** The manifest's evidence data differs from what the signed page embeds. */
  | 'EVIDENCE_DATA_MISMATCH'
  /** A signed entry is a file the evidence page does not list. */
  | 'FILE_NOT_ON_EVIDENCE_PAGE'
  /** A signed file's signatures are not all valid, or it was changed illegally after signing. */
  | 'SIGNED_FILE_INVALID'
  /** A signed file's SHA-256 differs from the one the evidence page prints. */
  | 'SIGNED_FILE_HASH_MISMATCH'
  /** An original's SHA-256 differs from the one the evidence page prints. */
  | 'ORIGINAL_HASH_MISMATCH'
  | 'AUDIT_UNREADABLE'
  /** An audit event was edited, removed, inserted or reordered. */
  | 'AUDIT_CHAIN_BROKEN'
  /** The chain's head differs from the recorded head or the one the evidence page binds. */
  | 'AUDIT_HEAD_MISMATCH'
  | 'AUDIT_TIMESTAMP_INVALID'
  | 'AUDIT_TIMESTAMP_UNTRUSTED';

/** One failed check. */
export interface EvidenceProblem {
  code: EvidenceProblemCode;
  /** The entry concerned, when there is one. */
  path?: string;
  message: string;
  messageZh: string;
}

/** The outcome for one entry of the manifest. */
export interface EvidenceEntryCheck {
  path: string;
  role: EvidenceEntryRole;
  file?: number;
  present: boolean;
  sizeMatches: boolean;
  sha256Matches: boolean;
}

/** The outcome for one contract file. */
export interface EvidenceFileCheck {
  /** 1-based, as on the evidence page. */
  index: number;
  name: string;
  signedPath?: string;
  originalPath?: string;
  /** The signed file's SHA-256 is the one the evidence page prints. */
  matchesEvidencePage: boolean;
  /** The original's SHA-256 is the page's, when both are known. */
  originalMatches?: boolean;
  verification?: VerificationReport;
}

/** The outcome of {@link verifyEvidencePackage}. */
export interface EvidencePackageReport {
  /** True only when every check passed: `problems` is empty. */
  valid: boolean;
  summary: string;
  summaryZh: string;
  packageSha256: string;
  formatVersion: number;
  contract: { name: string; number: string };
  problems: EvidenceProblem[];
  entries: EvidenceEntryCheck[];
  evidencePage?: {
    path: string;
    /** Its evidence data equals the manifest's. */
    dataMatchesManifest: boolean;
    verification?: VerificationReport;
  };
  files: EvidenceFileCheck[];
  audit?: {
    path: string;
    ok: boolean;
    events: number;
    headHash?: string;
    brokenAt?: number;
    reason?: string;
    /** The head equals the one the evidence page binds, when it binds one. */
    matchesEvidencePage?: boolean;
    headTimestamp?: ChainHeadTimestampCheck;
  };
  verifiedAt: string;
}

/** Options of {@link verifyEvidencePackage}. */
export interface VerifyEvidencePackageOptions {
  /** Trusted roots (DER) for the signatures and the time-stamps. */
  trustAnchors: Uint8Array[];
  /** Validation time when no time-stamp proves an earlier one. Default: now. */
  now?: Date;
  /** Zip safety limits; see {@link ZipLimits}. */
  limits?: Partial<ZipLimits>;
}

const ROLES: EvidenceEntryRole[] = ['evidence-page', 'audit-events', 'original', 'signed'];

function malformed(why: string): SignetError {
  return new SignetError('EVIDENCE_PACKAGE_MALFORMED', `manifest.json ${why}; this is not a Signet evidence package, or it is damaged. Ask the platform for it again.`);
}

/** Parses and shape-checks `manifest.json`. */
function parseManifest(bytes: Uint8Array): EvidenceManifest {
  let m: Partial<EvidenceManifest>;
  try {
    m = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)) as Partial<EvidenceManifest>;
  } catch {
    throw malformed('is not valid UTF-8 JSON');
  }
  if (!m || typeof m !== 'object' || m.format !== EVIDENCE_PACKAGE_FORMAT) throw malformed(`does not declare "format": "${EVIDENCE_PACKAGE_FORMAT}"`);
  if (m.version !== EVIDENCE_PACKAGE_VERSION) {
    throw new SignetError('EVIDENCE_PACKAGE_MALFORMED', `The package format version ${String(m.version)} is not supported (this Signet reads version ${EVIDENCE_PACKAGE_VERSION}); upgrade Signet.`);
  }
  if (!Array.isArray(m.entries)) throw malformed('has no "entries" list');
  const paths = new Set<string>();
  for (const e of m.entries as unknown[]) {
    const o = e as Partial<EvidenceManifestEntry> | null;
    const ok = !!o && typeof o === 'object' && typeof o.path === 'string' && ROLES.includes(o.role as EvidenceEntryRole)
      && typeof o.sha256 === 'string' && /^[0-9a-f]{64}$/.test(o.sha256) && Number.isSafeInteger(o.size) && (o.size as number) >= 0
      && (o.file === undefined || (Number.isSafeInteger(o.file) && (o.file as number) >= 1));
    if (!ok) throw malformed('has an entry without a valid path, role, sha256 and size');
    if (paths.has(o!.path!)) throw malformed(`lists "${o!.path}" twice`);
    paths.add(o!.path!);
  }
  const c = m.contract as Partial<EvidenceManifest['contract']> | undefined;
  if (!c || typeof c.name !== 'string' || typeof c.number !== 'string') throw malformed('has no contract name and number');
  return m as EvidenceManifest;
}

/**
 * Verifies an evidence package made by `buildEvidencePackage`, offline:
 * - every manifest entry is present with its size and SHA-256, and nothing unlisted is present;
 * - the evidence page's signature is valid and time-stamped (PAdES B-T or better), and the
 *   evidence data it embeds is the manifest's;
 * - every signed file verifies (`verifyPdf`: every signature valid, nothing changed illegally) and
 *   its SHA-256, like each original's, is the one the evidence page prints;
 * - the audit chain links and hashes hold, its head is the recorded head and the page's, and the
 *   head's RFC 3161 time-stamp (when present) covers the head hash and chains to a trust anchor.
 *
 * Every outcome is data in the report. Throws only when the archive cannot be examined at all:
 * EVIDENCE_PACKAGE_UNSAFE (path traversal, duplicate names), EVIDENCE_PACKAGE_TOO_LARGE (zip
 * bomb limits) or EVIDENCE_PACKAGE_MALFORMED (not a zip, no readable manifest, unknown version).
 */
export function verifyEvidencePackage(zip: Uint8Array, opts: VerifyEvidencePackageOptions): EvidencePackageReport {
  const now = opts.now ?? new Date();
  const zipEntries = safeUnzip(zip, opts.limits);
  // Each entry is hashed once, however many checks compare its SHA-256.
  const hashes = new Map<Uint8Array, string>();
  const sha256Hex = (b: Uint8Array) => {
    let h = hashes.get(b);
    if (h === undefined) hashes.set(b, (h = createHash('sha256').update(b).digest('hex')));
    return h;
  };
  const manifestBytes = zipEntries.get(EVIDENCE_PACKAGE_ENTRIES.manifest);
  if (!manifestBytes) throw new SignetError('EVIDENCE_PACKAGE_MALFORMED', 'The archive has no manifest.json; this is not a Signet evidence package. Ask the platform for it again.');
  const manifest = parseManifest(manifestBytes);
  const problems: EvidenceProblem[] = [];
  const problem = (code: EvidenceProblemCode, message: string, messageZh: string, path?: string) => problems.push(path ? { code, path, message, messageZh } : { code, message, messageZh });

  // 1. The manifest against the archive.
  const entries: EvidenceEntryCheck[] = [];
  for (const e of manifest.entries) {
    const data = zipEntries.get(e.path);
    const check: EvidenceEntryCheck = { path: e.path, role: e.role, present: !!data, sizeMatches: false, sha256Matches: false };
    if (e.file !== undefined) check.file = e.file;
    if (!data) {
      problem('ENTRY_MISSING', `${e.path} is listed in the manifest but missing from the package.`, `清单列出的 ${e.path} 不在存证包中。`, e.path);
    } else {
      check.sizeMatches = data.length === e.size;
      check.sha256Matches = sha256Hex(data) === e.sha256;
      if (!check.sizeMatches) problem('ENTRY_SIZE_MISMATCH', `${e.path} is ${data.length} bytes, but the manifest says ${e.size}.`, `${e.path} 的大小为 ${data.length} 字节，与清单记录的 ${e.size} 字节不符。`, e.path);
      if (!check.sha256Matches) problem('ENTRY_HASH_MISMATCH', `${e.path}: its SHA-256 differs from the manifest's; the entry was changed.`, `${e.path} 的 SHA-256 与清单不符，该文件已被改动。`, e.path);
    }
    entries.push(check);
  }
  const listed = new Set(manifest.entries.map((e) => e.path));
  for (const name of zipEntries.keys()) {
    if (name !== EVIDENCE_PACKAGE_ENTRIES.manifest && !listed.has(name)) {
      problem('ENTRY_NOT_IN_MANIFEST', `${name} is in the package but not in the manifest; it was added afterwards.`, `${name} 不在清单中，是事后加入的文件。`, name);
    }
  }
  // Later checks read each entry as it is in the archive, so that one tampering is named by every check it breaks.
  const bytesOf = (e: EvidenceManifestEntry | undefined) => (e ? zipEntries.get(e.path) : undefined);

  // 2. The evidence page.
  const pageEntries = manifest.entries.filter((e) => e.role === 'evidence-page');
  let record: EvidenceRecord | undefined;
  let evidencePage: EvidencePackageReport['evidencePage'];
  if (pageEntries.length !== 1) {
    problem('MANIFEST_INCOMPLETE', `The manifest lists ${pageEntries.length} evidence pages; a package has exactly one.`, `清单列出了 ${pageEntries.length} 份存证页，应恰好一份。`);
  } else {
    const entry = pageEntries[0];
    const bytes = bytesOf(entry);
    evidencePage = { path: entry.path, dataMatchesManifest: false };
    if (bytes) {
      try {
        const report = verifyPdf(bytes, { trustAnchors: opts.trustAnchors, now });
        evidencePage.verification = report;
        if (!report.valid) {
          const why = [...new Set(report.signatures.flatMap((s) => s.problems))].slice(0, 3).join(' ') || report.summary;
          problem('EVIDENCE_PAGE_INVALID', `The evidence page's signature is not valid: ${why}`, `存证页的签名无效：${report.summaryZh}`, entry.path);
        }
        const sig = report.signatures.find((s) => s.type === 'signature');
        if (sig && !sig.timestamp?.valid) {
          problem('EVIDENCE_PAGE_NOT_TIMESTAMPED', 'The evidence page\'s signature carries no valid time-stamp (PAdES B-T is required).', '存证页的签名没有有效的时间戳（至少需要 PAdES B-T）。', entry.path);
        }
        record = readEvidenceRecord(bytes);
      } catch (e) {
        if (!isSignetError(e)) throw e;
        problem('EVIDENCE_PAGE_INVALID', `The evidence page is not a readable PDF: ${e.message}`, `存证页不是可读的 PDF：${e.message}`, entry.path);
      }
      if (!record) {
        problem('EVIDENCE_PAGE_NO_DATA', 'The evidence page embeds no evidence data; it is not a Signet evidence page.', '存证页未内嵌存证数据，不是 Signet 生成的存证页。', entry.path);
      } else if (canonicalJson(record) !== canonicalJson(manifest.evidence)) {
        problem('EVIDENCE_DATA_MISMATCH', 'The manifest\'s evidence data differs from what the signed evidence page carries.', '清单中的存证数据与已签名存证页内嵌的数据不一致。', entry.path);
      } else {
        evidencePage.dataMatchesManifest = true;
      }
    }
  }

  // 3. The files: signatures, and their hashes against the page.
  const files: EvidenceFileCheck[] = [];
  const signedEntries = manifest.entries.filter((e) => e.role === 'signed');
  const originalEntries = manifest.entries.filter((e) => e.role === 'original');
  const pageFiles = record?.files ?? [];
  for (const e of [...signedEntries, ...originalEntries]) {
    if (record && (e.file === undefined || e.file > pageFiles.length)) {
      problem('FILE_NOT_ON_EVIDENCE_PAGE', `${e.path} is not one of the files the evidence page lists.`, `${e.path} 不在存证页列出的文件之中。`, e.path);
    }
  }
  const count = record ? pageFiles.length : Math.max(0, ...signedEntries.map((e) => e.file ?? 0));
  for (let i = 1; i <= count; i++) {
    const meta = pageFiles[i - 1];
    const sEntry = signedEntries.find((e) => e.file === i);
    const oEntry = originalEntries.find((e) => e.file === i);
    const name = meta?.name ?? sEntry?.path ?? `#${i}`;
    const check: EvidenceFileCheck = { index: i, name, matchesEvidencePage: false };
    if (sEntry) check.signedPath = sEntry.path;
    if (oEntry) check.originalPath = oEntry.path;
    if (!sEntry) {
      problem('MANIFEST_INCOMPLETE', `File ${i} (${name}) has no signed copy in the package.`, `文件 ${i}（${name}）缺少签署完成的文件。`);
    }
    const signed = bytesOf(sEntry);
    if (signed) {
      if (meta) {
        check.matchesEvidencePage = sha256Hex(signed) === meta.sha256;
        if (!check.matchesEvidencePage) {
          problem('SIGNED_FILE_HASH_MISMATCH', `${sEntry!.path}: its SHA-256 is not the one the evidence page prints for ${meta.name}.`, `${sEntry!.path} 的 SHA-256 与存证页记载的不一致。`, sEntry!.path);
        }
      }
      try {
        const report = verifyPdf(signed, { trustAnchors: opts.trustAnchors, now });
        check.verification = report;
        if (!report.valid) {
          const why = [...new Set(report.signatures.flatMap((s) => s.problems))].slice(0, 3).join(' ') || report.summary;
          problem('SIGNED_FILE_INVALID', `${sEntry!.path}: ${report.summary} ${why}`.trim(), `${sEntry!.path}：${report.summaryZh}`, sEntry!.path);
        }
      } catch (err) {
        if (!isSignetError(err)) throw err;
        problem('SIGNED_FILE_INVALID', `${sEntry!.path} is not a readable PDF: ${err.message}`, `${sEntry!.path} 不是可读的 PDF：${err.message}`, sEntry!.path);
      }
    }
    const original = bytesOf(oEntry);
    if (original && meta?.originalSha256) {
      check.originalMatches = sha256Hex(original) === meta.originalSha256;
      if (!check.originalMatches) {
        problem('ORIGINAL_HASH_MISMATCH', `${oEntry!.path}: its SHA-256 is not the one the evidence page prints for the original.`, `${oEntry!.path} 的 SHA-256 与存证页记载的原文件不一致。`, oEntry!.path);
      }
    }
    files.push(check);
  }

  // 4. The audit log.
  const auditEntries = manifest.entries.filter((e) => e.role === 'audit-events');
  let audit: EvidencePackageReport['audit'];
  if (auditEntries.length !== 1) {
    problem('MANIFEST_INCOMPLETE', `The manifest lists ${auditEntries.length} audit logs; a package has exactly one.`, `清单列出了 ${auditEntries.length} 份审计日志，应恰好一份。`);
  } else {
    const entry = auditEntries[0];
    const bytes = bytesOf(entry);
    if (bytes) {
      let parsed: ReturnType<typeof parseAuditEvents> | undefined;
      try {
        parsed = parseAuditEvents(JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)));
      } catch (e) {
        problem('AUDIT_UNREADABLE', `${entry.path} cannot be read: ${(e as Error).message}`, `${entry.path} 无法读取。`, entry.path);
      }
      if (parsed) {
        const chain = verifyAuditChain(parsed.events);
        audit = { path: entry.path, ok: chain.ok, events: parsed.events.length };
        if (chain.headHash) audit.headHash = chain.headHash;
        if (!chain.ok) {
          audit.brokenAt = chain.brokenAt;
          audit.reason = chain.reason;
          problem('AUDIT_CHAIN_BROKEN', `The audit hash chain is broken at event ${chain.brokenAt}: ${chain.reason}.`, `审计日志哈希链在第 ${chain.brokenAt} 条事件处断开：事件被改动、删除、插入或调换了顺序。`, entry.path);
        } else if (parsed.events.length === 0) {
          problem('AUDIT_CHAIN_BROKEN', 'The audit log holds no events.', '审计日志没有任何事件。', entry.path);
        }
        const head = chain.headHash;
        if (chain.ok && parsed.head && parsed.head.hash !== head) {
          problem('AUDIT_HEAD_MISMATCH', `The audit log's recorded head is ${parsed.head.hash}, but its events end at ${head ?? 'nothing'}: events were removed or added at the end.`, '审计日志记录的链头与事件链末端不一致：末尾的事件被删除或追加。', entry.path);
        }
        if (record?.audit) {
          audit.matchesEvidencePage = chain.ok && head === record.audit.headHash && parsed.events.length === record.audit.events;
          if (chain.ok && !audit.matchesEvidencePage) {
            problem('AUDIT_HEAD_MISMATCH', `The audit chain ends at ${head} after ${parsed.events.length} events, but the evidence page binds ${record.audit.headHash} after ${record.audit.events}.`, `审计日志链头（${parsed.events.length} 条事件）与存证页记载的链头（${record.audit.events} 条事件）不一致。`, entry.path);
          }
        }
        if (parsed.head?.timestampToken) {
          let token: Uint8Array | undefined;
          try {
            token = Buffer.from(parsed.head.timestampToken, 'base64');
          } catch {
            token = undefined;
          }
          const ts = token ? verifyChainHeadTimestamp(head ?? parsed.head.hash, token, { trustAnchors: opts.trustAnchors }) : { valid: false, trusted: false, problems: ['The token is not base64.'] };
          audit.headTimestamp = ts;
          if (!ts.valid) {
            problem('AUDIT_TIMESTAMP_INVALID', `The chain head's time-stamp does not cover the head of these events: ${ts.problems.join(' ')}`, '审计日志链头的时间戳与现有事件链不符。', entry.path);
          } else if (!ts.trusted) {
            problem('AUDIT_TIMESTAMP_UNTRUSTED', `The chain head's time-stamp authority is not trusted: ${ts.problems.join(' ')}`, '审计日志链头时间戳的签发机构不受信任。', entry.path);
          }
        }
      }
    }
  }

  const valid = problems.length === 0;
  const codes = [...new Set(problems.map((p) => p.code))].join(', ');
  return {
    valid,
    summary: valid
      ? 'The evidence package is intact: every hash matches, every signature is valid and the audit chain holds.'
      : `The evidence package fails ${problems.length} check${problems.length === 1 ? '' : 's'} (${codes}).`,
    summaryZh: valid ? '存证包完整有效：哈希全部一致，签名全部有效，审计日志哈希链完整。' : `存证包未通过 ${problems.length} 项检查（${codes}）。`,
    packageSha256: createHash('sha256').update(zip).digest('hex'),
    formatVersion: manifest.version,
    contract: manifest.contract,
    problems,
    entries,
    evidencePage,
    files,
    audit,
    verifiedAt: now.toISOString(),
  };
}

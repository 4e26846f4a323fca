/**
 * The evidence package (存证包): one zip with everything a court or an auditor needs to check a
 * contract offline: the original and the signed files, the platform-signed evidence page, the
 * hash-chained audit log and a manifest of every entry with its SHA-256, size and role.
 *
 * The zip is deterministic: fixed entry order, fixed modification time (1980-01-01 00:00, the
 * DOS epoch, PKWARE APPNOTE §4.4.6) and fixed compression, so the same inputs always give the same
 * bytes and the package's hash is reproducible.
 */
import { createHash } from 'node:crypto';
import { zipSync, type Zippable } from 'fflate';
import { SignetError } from '../errors.js';
import { PdfReader } from '../pdf/reader.js';
import { findSignatureFields } from '../pdf/acroform.js';
import { verifyTimestampToken } from '../tsa/timestamp-token.js';
import { auditLogDocument, type AuditEvent } from './audit-chain.js';
import { readEvidenceRecord } from './evidence-page.js';
import type { EvidenceRecord } from './evidence-input.js';
import { unsafeEntryName } from './safe-unzip.js';

/** The `format` of every package manifest. */
export const EVIDENCE_PACKAGE_FORMAT = 'signet-evidence-package';

/** The manifest version this Signet writes and reads. */
export const EVIDENCE_PACKAGE_VERSION = 1;

/** Fixed entry names of a package. */
export const EVIDENCE_PACKAGE_ENTRIES = {
  manifest: 'manifest.json',
  evidencePage: 'evidence-page.pdf',
  auditEvents: 'audit-events.json',
} as const;

/** What an entry of the package is. */
export type EvidenceEntryRole = 'evidence-page' | 'audit-events' | 'original' | 'signed';

/** One entry as the manifest lists it. */
export interface EvidenceManifestEntry {
  path: string;
  role: EvidenceEntryRole;
  /** For `original` and `signed`: the 1-based index of the file in the evidence data. */
  file?: number;
  /** SHA-256 (hex) of the entry's bytes. */
  sha256: string;
  size: number;
}

/** `manifest.json`: the package's table of contents. It lists every entry but itself. */
export interface EvidenceManifest {
  format: typeof EVIDENCE_PACKAGE_FORMAT;
  version: typeof EVIDENCE_PACKAGE_VERSION;
  contract: { name: string; number: string };
  /** The evidence data, exactly as the signed evidence page embeds it. */
  evidence: EvidenceRecord;
  entries: EvidenceManifestEntry[];
}

/** Inputs of {@link buildEvidencePackage}. */
export interface EvidencePackageInput {
  /** The evidence page, signed with `signEvidencePage`. */
  evidencePage: Uint8Array;
  /** One item per file of the evidence data, in the same order: the completed file and, when kept, the original. */
  files: { signed: Uint8Array; original?: Uint8Array }[];
  /** The contract's audit chain and, when made, the RFC 3161 token over its head (`timestampChainHead`). */
  audit: { events: readonly AuditEvent[]; headTimestamp?: Uint8Array };
}

// DOS times are local wall-clock fields: a Date built from local fields at the time of writing
// gives them back unchanged in any time zone, so the archive does not depend on the host's TZ.
const zipMtime = () => new Date(1980, 0, 1, 0, 0, 0);

const sha256Hex = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** A file name made safe for an archive entry: no separators or reserved characters, with `.pdf`. */
function entryFileName(name: string, index: number): string {
  let n = name.replace(/[\\/:*?"<>|\u0000-\u001f\u007f]/g, '_').replace(/^[.\s]+/, '').trim();
  n = [...n].slice(0, 100).join('');
  if (!/\.pdf$/i.test(n)) n += '.pdf';
  return `${index}-${n}`;
}

/**
 * Builds the evidence package of a completed contract as a zip:
 * `manifest.json`, `evidence-page.pdf`, `audit-events.json`, `original/<n>-<name>.pdf` and
 * `signed/<n>-<name>.pdf`, in that order. The manifest lists every other entry with its SHA-256,
 * size and role, the package format version, and the evidence data read from the signed page.
 *
 * Refuses (INVALID_ARGUMENT) inputs that do not belong together: a page that is not a signed
 * evidence page, a file whose SHA-256 differs from the page's, an audit chain that is broken or
 * whose head differs from the page's, a head time-stamp over something else. Same inputs, same bytes.
 */
export function buildEvidencePackage(input: EvidencePackageInput): Uint8Array {
  const record = readEvidenceRecord(input.evidencePage);
  if (!record) throw new SignetError('INVALID_ARGUMENT', 'evidencePage is not an evidence page: build it with buildEvidencePage() and sign it with signEvidencePage()');
  if (!findSignatureFields(PdfReader.load(input.evidencePage)).some((f) => f.signature)) {
    throw new SignetError('INVALID_ARGUMENT', 'The evidence page is not signed yet: sign it with signEvidencePage() first');
  }
  if (input.files.length !== record.files.length) {
    throw new SignetError('INVALID_ARGUMENT', `The evidence page lists ${record.files.length} file(s) but ${input.files.length} were given; pass them in the page's order`);
  }
  const auditDoc = auditLogDocument(input.audit.events, input.audit.headTimestamp);
  if (record.audit && (record.audit.headHash !== auditDoc.head.hash || record.audit.events !== input.audit.events.length)) {
    throw new SignetError('INVALID_ARGUMENT', `The audit chain ends at ${auditDoc.head.hash} after ${input.audit.events.length} events, but the evidence page binds ${record.audit.headHash} after ${record.audit.events}; pass the chain the page was built for`);
  }
  if (input.audit.headTimestamp) {
    let ok = false;
    try {
      ok = verifyTimestampToken(input.audit.headTimestamp, { content: Buffer.from(auditDoc.head.hash, 'hex') }).imprintMatches;
    } catch {
      ok = false;
    }
    if (!ok) throw new SignetError('INVALID_ARGUMENT', 'audit.headTimestamp does not time-stamp the head of this chain; make it with timestampChainHead(head)');
  }

  const entries: { path: string; role: EvidenceEntryRole; file?: number; bytes: Uint8Array }[] = [
    { path: EVIDENCE_PACKAGE_ENTRIES.evidencePage, role: 'evidence-page', bytes: input.evidencePage },
    { path: EVIDENCE_PACKAGE_ENTRIES.auditEvents, role: 'audit-events', bytes: new TextEncoder().encode(JSON.stringify(auditDoc, null, 2) + '\n') },
  ];
  const originals: typeof entries = [];
  const signed: typeof entries = [];
  input.files.forEach((f, i) => {
    const meta = record.files[i];
    const got = sha256Hex(f.signed);
    if (got !== meta.sha256) {
      throw new SignetError('INVALID_ARGUMENT', `files[${i}] (${meta.name}): the signed file's SHA-256 is ${got}, but the evidence page says ${meta.sha256}; pass the completed file the page was built for`);
    }
    const name = entryFileName(meta.name, i + 1);
    if (f.original) {
      const orig = sha256Hex(f.original);
      if (meta.originalSha256 && orig !== meta.originalSha256) {
        throw new SignetError('INVALID_ARGUMENT', `files[${i}] (${meta.name}): the original's SHA-256 is ${orig}, but the evidence page says ${meta.originalSha256}`);
      }
      originals.push({ path: `original/${name}`, role: 'original', file: i + 1, bytes: f.original });
    }
    signed.push({ path: `signed/${name}`, role: 'signed', file: i + 1, bytes: f.signed });
  });
  entries.push(...originals, ...signed);
  for (const e of entries) {
    const why = unsafeEntryName(e.path);
    if (why) throw new SignetError('INTERNAL', `Entry name ${e.path} is unsafe (${why})`);
  }

  const manifest: EvidenceManifest = {
    format: EVIDENCE_PACKAGE_FORMAT,
    version: EVIDENCE_PACKAGE_VERSION,
    contract: { name: record.contract.name, number: record.contract.number },
    evidence: record,
    entries: entries.map((e) => {
      const m: EvidenceManifestEntry = { path: e.path, role: e.role, sha256: sha256Hex(e.bytes), size: e.bytes.length };
      if (e.file !== undefined) m.file = e.file;
      return m;
    }),
  };
  const zip: Zippable = {};
  const mtime = zipMtime();
  const json = (b: Uint8Array): [Uint8Array, { level: 9; mtime: Date }] => [b, { level: 9, mtime }];
  zip[EVIDENCE_PACKAGE_ENTRIES.manifest] = json(new TextEncoder().encode(JSON.stringify(manifest, null, 2) + '\n'));
  for (const e of entries) {
    // PDFs are stored: their streams are compressed already, and storing costs no CPU.
    zip[e.path] = e.role === 'audit-events' ? json(e.bytes) : [e.bytes, { level: 0, mtime }];
  }
  return zipSync(zip);
}

/**
 * The data an evidence page (签约存证页) carries, as plain JSON-friendly values (DESIGN §3): the
 * contract, each file with the SHA-256 of the completed file, and each signer with their masked
 * account, times, IP, willingness check, certificate serial and signature positions.
 *
 * {@link validateEvidenceInput} checks untrusted data with errors that name the field;
 * {@link evidenceRecord} normalizes it into what the page prints (accounts masked, times in CST),
 * which is also what the signed page embeds and the package manifest repeats.
 */
import { isIP } from 'node:net';
import { SignetError } from '../errors.js';
import { maskAccount, maskIdNumber } from './mask.js';
import { toChinaIso } from './china-time.js';

/** How a signer's willingness was checked right before signing (DESIGN §1.2). */
export type WillingnessMethod = 'sms-otp' | 'email-otp' | 'password' | 'face' | 'auto-sign';

/** Every willingness method, with its zh-CN and English label as the evidence page prints it. */
export const WILLINGNESS_METHODS: Readonly<Record<WillingnessMethod, { zh: string; en: string }>> = {
  'sms-otp': { zh: '短信验证码', en: 'SMS one-time code' },
  'email-otp': { zh: '邮箱验证码', en: 'E-mail one-time code' },
  password: { zh: '签署密码', en: 'Signing password' },
  face: { zh: '人脸识别', en: 'Face recognition' },
  'auto-sign': { zh: '自动签署授权', en: 'Auto-sign authorization' },
};

/**
 * Where one signature sits: a page of a file, and its top-left corner as fractions of the displayed
 * page from the page's top-left corner (as `toPageFractions` in position/ reports it).
 */
export interface EvidenceSignaturePosition {
  /** 1-based index into {@link EvidenceInput.files}; default 1. */
  file?: number;
  /** 1-based page. */
  page: number;
  /** 0–1, from the left edge. */
  x: number;
  /** 0–1, from the top edge. */
  y: number;
  /** Width and height as fractions of the page, when known. */
  w?: number;
  h?: number;
}

/** One signer: a person, or an organization (with the person who signed for it). */
export interface EvidenceSigner {
  /** The signer subject's full name: a person, or an organization. Printed unmasked. */
  subject: string;
  kind: 'person' | 'organization';
  /** A person's ID number; printed masked (1101**********002X). */
  idNumber?: string;
  /** An organization's unified social credit code (public registry data, printed in full). */
  uscc?: string;
  /** For an organization: the person who signed (经办人). */
  operator?: string;
  /** The signing account (mobile or e-mail); printed masked (185****5544). */
  account: string;
  /** ISO 8601 with an offset or `Z`, e.g. `2026-01-02T10:30:00+08:00`. */
  receivedAt: string;
  signedAt: string;
  /** IPv4 or IPv6 address the signer signed from. */
  ip: string;
  willingness: { method: WillingnessMethod; at: string };
  /** The signer certificate's serial number, hex. */
  certificateSerial: string;
  positions: EvidenceSignaturePosition[];
}

/** One contract file. */
export interface EvidenceFile {
  name: string;
  /** SHA-256 (hex) of the completed, signed file. */
  sha256: string;
  /** SHA-256 (hex) of the original file before signing, when known. */
  originalSha256?: string;
  pages?: number;
}

/** Everything an evidence page shows (DESIGN §3, "The evidence page carries at least"). */
export interface EvidenceInput {
  platform: {
    /** e.g. `Signet 签约平台`: the header of every page. */
    name: string;
    /** Where anyone can verify the package or the files, printed in the footer hint. */
    verifyUrl?: string;
  };
  contract: {
    name: string;
    number: string;
    sentAt: string;
    completedAt: string;
    sender: { account: string; name?: string; enterprise?: string; ip: string };
  };
  files: EvidenceFile[];
  signers: EvidenceSigner[];
  /** The audit hash chain's head, when the page should bind it. */
  audit?: { headHash: string; events: number };
  /** When the page was generated; default the contract's completion time (so the page is reproducible). */
  generatedAt?: string;
}

/**
 * Evidence data normalized for printing: accounts and ID numbers masked, times as ISO 8601 in
 * China Standard Time, hashes and serials lower-case. It is itself a valid {@link EvidenceInput},
 * and {@link evidenceRecord} of a record is the record.
 */
export type EvidenceRecord = EvidenceInput;

/** Size limits that keep every table row on one page. */
export const EVIDENCE_LIMITS = { text: 300, shortText: 120, files: 1000, signers: 1000, positions: 200 } as const;

type Obj = Record<string, unknown>;

function fail(path: string, problem: string): never {
  throw new SignetError('INVALID_ARGUMENT', `Evidence data: ${path} ${problem}`, { path });
}

function object(v: unknown, path: string, known: string[]): Obj {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) fail(path, 'must be an object');
  for (const k of Object.keys(v as Obj)) {
    if (!known.includes(k)) fail(`${path}.${k}`, `is not a known field; use ${known.join(', ')}`);
  }
  return v as Obj;
}

function text(o: Obj, key: string, path: string, max: number = EVIDENCE_LIMITS.text): string {
  const v = o[key];
  if (typeof v !== 'string' || !v.trim()) fail(`${path}.${key}`, 'must be a non-empty string');
  const s = (v as string).trim();
  if ([...s].length > max) fail(`${path}.${key}`, `is longer than ${max} characters; shorten it`);
  if (/[\u0000-\u001f\u007f]/.test(s)) fail(`${path}.${key}`, 'contains control characters (line breaks, tabs); remove them');
  return s;
}

function optionalText(o: Obj, key: string, path: string, max?: number): string | undefined {
  return o[key] === undefined ? undefined : text(o, key, path, max);
}

function time(o: Obj, key: string, path: string): string {
  const s = text(o, key, path, 40);
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i.test(s) || Number.isNaN(Date.parse(s))) {
    fail(`${path}.${key}`, `must be an ISO 8601 time with an offset, e.g. 2026-01-02T10:30:00+08:00; got "${s}"`);
  }
  return s;
}

function ip(o: Obj, key: string, path: string): string {
  const s = text(o, key, path, 45);
  if (!isIP(s)) fail(`${path}.${key}`, `must be an IPv4 or IPv6 address; got "${s}"`);
  return s;
}

function hex(o: Obj, key: string, path: string, len?: number): string {
  const s = text(o, key, path, 130).replace(/[\s:]/g, '');
  if (!/^[0-9a-f]+$/i.test(s) || (len !== undefined && s.length !== len) || s.length > 128) {
    fail(`${path}.${key}`, len ? `must be ${len} hexadecimal digits (SHA-256)` : 'must be hexadecimal');
  }
  return s.toLowerCase();
}

function array(o: Obj, key: string, path: string, min: number, max: number): unknown[] {
  const v = o[key];
  if (!Array.isArray(v)) fail(`${path}.${key}`, 'must be an array');
  if (v.length < min) fail(`${path}.${key}`, `must have at least ${min} item${min === 1 ? '' : 's'}`);
  if (v.length > max) fail(`${path}.${key}`, `has more than ${max} items`);
  return v;
}

function integer(o: Obj, key: string, path: string, min: number, max: number): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) fail(`${path}.${key}`, `must be an integer from ${min} to ${max}`);
  return v as number;
}

function fraction(o: Obj, key: string, path: string): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 1) fail(`${path}.${key}`, 'must be a fraction of the page from 0 to 1');
  return v as number;
}

/**
 * Checks untrusted evidence data (parsed JSON) and returns it typed and trimmed. Throws
 * INVALID_ARGUMENT naming the first bad field, e.g. `Evidence data: signers[1].ip must be an IPv4
 * or IPv6 address`. Unknown fields are refused, so a misspelt one never silently disappears.
 */
export function validateEvidenceInput(input: unknown): EvidenceInput {
  const root = object(input, 'evidence', ['platform', 'contract', 'files', 'signers', 'audit', 'generatedAt']);
  const p = object(root.platform, 'platform', ['name', 'verifyUrl']);
  const platform: EvidenceInput['platform'] = { name: text(p, 'name', 'platform', EVIDENCE_LIMITS.shortText) };
  const verifyUrl = optionalText(p, 'verifyUrl', 'platform', EVIDENCE_LIMITS.shortText);
  if (verifyUrl !== undefined) platform.verifyUrl = verifyUrl;

  const c = object(root.contract, 'contract', ['name', 'number', 'sentAt', 'completedAt', 'sender']);
  const name = text(c, 'name', 'contract');
  const number = text(c, 'number', 'contract', EVIDENCE_LIMITS.shortText);
  const sentAt = time(c, 'sentAt', 'contract');
  const completedAt = time(c, 'completedAt', 'contract');
  const s = object(c.sender, 'contract.sender', ['account', 'name', 'enterprise', 'ip']);
  const sender: EvidenceInput['contract']['sender'] = { account: text(s, 'account', 'contract.sender', EVIDENCE_LIMITS.shortText), ip: '' };
  const senderName = optionalText(s, 'name', 'contract.sender', EVIDENCE_LIMITS.shortText);
  if (senderName !== undefined) sender.name = senderName;
  const enterprise = optionalText(s, 'enterprise', 'contract.sender');
  if (enterprise !== undefined) sender.enterprise = enterprise;
  sender.ip = ip(s, 'ip', 'contract.sender');
  const contract: EvidenceInput['contract'] = { name, number, sentAt, completedAt, sender };

  const files = array(root, 'files', 'evidence', 1, EVIDENCE_LIMITS.files).map((f, i) => {
    const path = `files[${i}]`;
    const o = object(f, path, ['name', 'sha256', 'originalSha256', 'pages']);
    const file: EvidenceFile = { name: text(o, 'name', path), sha256: hex(o, 'sha256', path, 64) };
    if (o.originalSha256 !== undefined) file.originalSha256 = hex(o, 'originalSha256', path, 64);
    if (o.pages !== undefined) file.pages = integer(o, 'pages', path, 1, 100_000);
    return file;
  });

  const signers = array(root, 'signers', 'evidence', 1, EVIDENCE_LIMITS.signers).map((v, i) => {
    const path = `signers[${i}]`;
    const o = object(v, path, ['subject', 'kind', 'idNumber', 'uscc', 'operator', 'account', 'receivedAt', 'signedAt', 'ip', 'willingness', 'certificateSerial', 'positions']);
    if (o.kind !== 'person' && o.kind !== 'organization') fail(`${path}.kind`, 'must be "person" or "organization"');
    const signer: Partial<EvidenceSigner> = { subject: text(o, 'subject', path, EVIDENCE_LIMITS.shortText), kind: o.kind as EvidenceSigner['kind'] };
    const idNumber = optionalText(o, 'idNumber', path, 40);
    if (idNumber !== undefined) {
      if (signer.kind !== 'person') fail(`${path}.idNumber`, 'is for a person; give an organization its uscc');
      signer.idNumber = idNumber;
    }
    const uscc = optionalText(o, 'uscc', path, 40);
    if (uscc !== undefined) {
      if (signer.kind !== 'organization') fail(`${path}.uscc`, 'is for an organization; give a person their idNumber');
      signer.uscc = uscc.toUpperCase();
    }
    const operator = optionalText(o, 'operator', path, EVIDENCE_LIMITS.shortText);
    if (operator !== undefined) signer.operator = operator;
    signer.account = text(o, 'account', path, EVIDENCE_LIMITS.shortText);
    signer.receivedAt = time(o, 'receivedAt', path);
    signer.signedAt = time(o, 'signedAt', path);
    signer.ip = ip(o, 'ip', path);
    const w = object(o.willingness, `${path}.willingness`, ['method', 'at']);
    if (typeof w.method !== 'string' || !(w.method in WILLINGNESS_METHODS)) {
      fail(`${path}.willingness.method`, `must be one of ${Object.keys(WILLINGNESS_METHODS).join(', ')}`);
    }
    signer.willingness = { method: w.method as WillingnessMethod, at: time(w, 'at', `${path}.willingness`) };
    signer.certificateSerial = hex(o, 'certificateSerial', path);
    signer.positions = array(o, 'positions', path, 1, EVIDENCE_LIMITS.positions).map((q, j) => {
      const pp = `${path}.positions[${j}]`;
      const po = object(q, pp, ['file', 'page', 'x', 'y', 'w', 'h']);
      const pos: Partial<EvidenceSignaturePosition> = {};
      if (po.file !== undefined) pos.file = integer(po, 'file', pp, 1, files.length);
      pos.page = integer(po, 'page', pp, 1, 100_000);
      pos.x = fraction(po, 'x', pp);
      pos.y = fraction(po, 'y', pp);
      if (po.w !== undefined) pos.w = fraction(po, 'w', pp);
      if (po.h !== undefined) pos.h = fraction(po, 'h', pp);
      return pos;
    }) as EvidenceSignaturePosition[];
    return signer as EvidenceSigner;
  });

  const out: EvidenceInput = { platform, contract, files, signers };
  if (root.audit !== undefined) {
    const a = object(root.audit, 'audit', ['headHash', 'events']);
    out.audit = { headHash: hex(a, 'headHash', 'audit', 64), events: integer(a, 'events', 'audit', 1, 10_000_000) };
  }
  if (root.generatedAt !== undefined) out.generatedAt = time(root, 'generatedAt', 'evidence');
  return out;
}

/**
 * Validates `input` and returns what the evidence page prints: accounts and ID numbers masked,
 * times in China Standard Time (ISO 8601 with +08:00), hashes and serials lower-case, the
 * generation time filled in. Raw accounts and ID numbers never leave this function.
 */
export function evidenceRecord(input: unknown): EvidenceRecord {
  const v = validateEvidenceInput(input);
  const sender = { ...v.contract.sender, account: maskAccount(v.contract.sender.account) };
  const rec: EvidenceRecord = {
    platform: v.platform,
    contract: { ...v.contract, sentAt: toChinaIso(v.contract.sentAt), completedAt: toChinaIso(v.contract.completedAt), sender },
    files: v.files,
    signers: v.signers.map((s) => {
      const out: EvidenceSigner = { ...s };
      if (s.idNumber !== undefined) out.idNumber = maskIdNumber(s.idNumber);
      out.account = maskAccount(s.account);
      out.receivedAt = toChinaIso(s.receivedAt);
      out.signedAt = toChinaIso(s.signedAt);
      out.willingness = { method: s.willingness.method, at: toChinaIso(s.willingness.at) };
      out.positions = s.positions.map((p) => ({ ...p, file: p.file ?? 1 }));
      return out;
    }),
    generatedAt: toChinaIso(v.generatedAt ?? v.contract.completedAt),
  };
  if (v.audit) rec.audit = v.audit;
  return rec;
}

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import {
  SignetError, buildEvidencePackage, buildEvidencePage, formatEvidenceReport, parseAuditEvents, pemToDer, sampleUscc,
  signEvidencePage, timestampChainHead, verifyEvidencePackage,
} from '@signet/core';
import { parseArgs } from './args.js';
import { dataDirOf } from './common.js';
import { openInstallation } from '../installation.js';
import { FilePkiStore } from '../pki/file-pki-store.js';
import { writeFileAtomic } from '../storage/atomic-write.js';
import { cjkFontBytes } from '../fonts.js';

/** The demo platform identity whose organization certificate signs evidence pages made by `evidence pack`. */
export const DEMO_PLATFORM = { name: 'Signet 签约平台', uscc: sampleUscc(2026) } as const;

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

function readJson(path: string, what: string): unknown {
  const text = readFileSync(path, 'utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new SignetError('INVALID_ARGUMENT', `${path} is not valid JSON (${(e as Error).message}); give the ${what} as JSON`);
  }
}

/** Reads the trust anchors: every --trust PEM file, plus the installation's root when there is one. */
function trustAnchors(flags: Record<string, unknown>): Uint8Array[] {
  const anchors: Uint8Array[] = [];
  for (const t of (flags.trust as string[] | undefined) ?? []) {
    const certs = pemToDer(readFileSync(t, 'utf8'));
    if (certs.length === 0) throw new SignetError('CERT_INVALID', `${t} holds no PEM certificate`);
    anchors.push(...certs);
  }
  const dataDir = dataDirOf(flags);
  if (FilePkiStore.exists(dataDir)) {
    anchors.push(openInstallation({ dataDir, create: false, masterKeyEnv: process.env.SIGNET_MASTER_KEY }).pki.rootCertificate);
  }
  return anchors;
}

/**
 * `signet evidence verify PACKAGE.zip [--json] [--trust FILE.pem]…`: verifies an evidence package
 * offline and prints a bilingual report; exit 0 only when every check passes, 1 otherwise.
 */
async function verifyCommand(argv: string[]): Promise<number> {
  const { flags, positionals } = parseArgs(argv, { data: 'string', json: 'boolean', trust: 'multi' });
  const file = positionals[0];
  if (!file) throw new SignetError('INVALID_ARGUMENT', 'Give the package to verify: signet evidence verify PACKAGE.zip');
  if (positionals.length > 1) throw new SignetError('INVALID_ARGUMENT', `Unexpected argument "${positionals[1]}"; give one package`);
  const anchors = trustAnchors(flags);
  const report = verifyEvidencePackage(readFileSync(file), { trustAnchors: anchors });
  process.stdout.write(flags.json ? JSON.stringify(report, null, 2) + '\n' : formatEvidenceReport(report));
  if (anchors.length === 0 && !flags.json) process.stderr.write('signet: no trust anchors: run `signet init` or pass --trust ROOT.pem\n');
  return report.valid ? 0 : 1;
}

/**
 * `signet evidence pack --signed S.pdf [--original O.pdf] --audit EVENTS.json --info EVIDENCE.json
 * -o PACKAGE.zip`: builds the evidence page from EVIDENCE.json (file names and hashes, and the
 * audit head, are filled in from the given files when absent), signs it at B-LT with the platform
 * certificate, time-stamps the audit chain head, and writes the package atomically.
 */
async function packCommand(argv: string[]): Promise<number> {
  const { flags, positionals } = parseArgs(argv, {
    data: 'string', out: 'string', original: 'multi', signed: 'multi', audit: 'string', info: 'string',
    platform: 'string', 'platform-uscc': 'string',
  });
  if (positionals.length) throw new SignetError('INVALID_ARGUMENT', `Unexpected argument "${positionals[0]}"; see \`signet help\``);
  const signedPaths = (flags.signed as string[] | undefined) ?? [];
  const originalPaths = (flags.original as string[] | undefined) ?? [];
  if (signedPaths.length === 0) throw new SignetError('INVALID_ARGUMENT', 'Give each completed file with --signed FILE.pdf');
  if (originalPaths.length && originalPaths.length !== signedPaths.length) {
    throw new SignetError('INVALID_ARGUMENT', `Give one --original per --signed, in the same order (${originalPaths.length} originals, ${signedPaths.length} signed files)`);
  }
  if (!flags.audit) throw new SignetError('INVALID_ARGUMENT', 'Give the audit events with --audit EVENTS.json');
  if (!flags.info) throw new SignetError('INVALID_ARGUMENT', 'Give the evidence data with --info EVIDENCE.json');
  const out = flags.out as string | undefined;
  if (!out) throw new SignetError('INVALID_ARGUMENT', 'Give the output file with -o PACKAGE.zip');

  const signed = signedPaths.map((p) => new Uint8Array(readFileSync(p)));
  const originals = originalPaths.map((p) => new Uint8Array(readFileSync(p)));
  const { events } = parseAuditEvents(readJson(flags.audit as string, 'audit events'));
  if (events.length === 0) throw new SignetError('INVALID_ARGUMENT', `${flags.audit as string} holds no audit events`);
  const info = readJson(flags.info as string, 'evidence data');
  if (!info || typeof info !== 'object' || Array.isArray(info)) throw new SignetError('INVALID_ARGUMENT', `${flags.info as string} must hold a JSON object`);
  const data = info as Record<string, unknown>;
  const platformName = (flags.platform as string | undefined) ?? DEMO_PLATFORM.name;
  data.platform ??= { name: platformName };

  // Fill in what the files and the chain already say, and refuse what contradicts them.
  const given = data.files as Record<string, unknown>[] | undefined;
  if (given !== undefined && (!Array.isArray(given) || given.length !== signed.length)) {
    throw new SignetError('INVALID_ARGUMENT', `${flags.info as string}: "files" must list the ${signed.length} --signed file(s), in order`);
  }
  data.files = signed.map((bytes, i) => {
    const f: Record<string, unknown> = { ...(given?.[i] ?? {}) };
    f.name ??= basename(signedPaths[i]);
    const hash = sha256(bytes);
    if (f.sha256 !== undefined && String(f.sha256).toLowerCase() !== hash) {
      throw new SignetError('INVALID_ARGUMENT', `${signedPaths[i]}: its SHA-256 is ${hash}, but ${flags.info as string} says ${String(f.sha256)}`);
    }
    f.sha256 = hash;
    if (originals[i]) f.originalSha256 ??= sha256(originals[i]);
    return f;
  });
  data.audit ??= { headHash: events[events.length - 1].hash, events: events.length };

  const inst = openInstallation({ dataDir: dataDirOf(flags), create: true, masterKeyEnv: process.env.SIGNET_MASTER_KEY });
  const platform = inst.pki.signerFor({ kind: 'organization', name: platformName, uscc: (flags['platform-uscc'] as string | undefined) ?? DEMO_PLATFORM.uscc });
  const page = buildEvidencePage(data, { font: cjkFontBytes() });
  const signedPage = await signEvidencePage(page, { signer: platform, timestamper: inst.timestamper, validationData: inst.validationData, clock: inst.clock });
  const headTimestamp = await timestampChainHead(events[events.length - 1], inst.timestamper);
  const zip = buildEvidencePackage({
    evidencePage: signedPage,
    files: signed.map((s, i) => ({ signed: s, original: originals[i] })),
    audit: { events, headTimestamp },
  });
  writeFileAtomic(out, zip);
  process.stderr.write(`Packed ${signed.length} file(s), the signed evidence page and ${events.length} audit events → ${out} (SHA-256 ${sha256(zip)})\n`);
  return 0;
}

/** `signet evidence verify …` and `signet evidence pack …` (DESIGN §3, evidence/). */
export async function cmdEvidence(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'verify') return verifyCommand(rest);
  if (sub === 'pack') return packCommand(rest);
  throw new SignetError('INVALID_ARGUMENT', 'Use `signet evidence verify PACKAGE.zip` or `signet evidence pack --signed S.pdf --audit EVENTS.json --info EVIDENCE.json -o PACKAGE.zip`');
}

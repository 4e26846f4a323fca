/**
 * Independent validators, driven from tests: poppler's pdfsig (with a temporary NSS trust store),
 * qpdf --check, openssl cms / ts. Each function assumes the tool is present: call
 * `requireTool` in a `before` hook first.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { run, tempDir } from './index.js';

/** Creates an NSS database trusting the given PEM roots for signing; returns its `sql:` path. */
export function makeNssDb(rootPems: string[]): { nssDir: string; cleanup: () => void } {
  const { dir, cleanup } = tempDir('signet-nss-');
  const r = run('certutil', ['-N', '-d', `sql:${dir}`, '--empty-password']);
  if (r.status !== 0) throw new Error(`certutil -N failed: ${r.stderr}`);
  rootPems.forEach((pem, i) => {
    const f = join(dir, `root${i}.pem`);
    writeFileSync(f, pem);
    const a = run('certutil', ['-A', '-d', `sql:${dir}`, '-n', `root${i}`, '-t', 'CT,C,C', '-a', '-i', f]);
    if (a.status !== 0) throw new Error(`certutil -A failed: ${a.stderr}`);
  });
  return { nssDir: `sql:${dir}`, cleanup };
}

/** One signature as pdfsig reports it. */
export interface PdfsigSignature {
  signerName?: string;
  validation?: string;
  certificate?: string;
  /** pdfsig's "Total document signed" line: true when the signature covers the whole file. */
  totalDocumentSigned?: boolean;
  subFilter?: string;
  raw: string;
}

/** Runs pdfsig on a file and parses its per-signature blocks. */
export function pdfsig(file: string, nssDir: string): { status: number | null; signatures: PdfsigSignature[]; stdout: string; stderr: string } {
  const r = run('pdfsig', ['-nssdir', nssDir, file]);
  const blocks = r.stdout.split(/^Signature #\d+:$/m).slice(1);
  const field = (b: string, label: string) => b.match(new RegExp(`- ${label}: (.*)`))?.[1]?.trim();
  return {
    status: r.status,
    stdout: r.stdout,
    stderr: r.stderr,
    signatures: blocks.map((b) => ({
      raw: b,
      signerName: field(b, 'Signer Certificate Common Name'),
      validation: field(b, 'Signature Validation'),
      certificate: field(b, 'Certificate Validation'),
      totalDocumentSigned: /- Total document signed/.test(b) ? true : /- Not total document signed/.test(b) ? false : undefined,
      subFilter: field(b, 'Signature Type'),
    })),
  };
}

/** Runs `qpdf --check`; clean means exit 0 with no WARNING lines. */
export function qpdfCheck(file: string): { clean: boolean; output: string } {
  const r = run('qpdf', ['--check', file]);
  const output = r.stdout + r.stderr;
  return { clean: r.status === 0 && !/WARNING/i.test(output) && /No syntax or stream encoding errors found/.test(output), output };
}

/** Extracts each signature's signed bytes and CMS from a PDF by its /ByteRange, for openssl. */
export function signedParts(pdf: Uint8Array, byteRange: number[], contentsDer: Uint8Array): { content: Buffer; cms: Buffer } {
  const b = Buffer.from(pdf);
  const content = Buffer.concat([b.subarray(byteRange[0], byteRange[0] + byteRange[1]), b.subarray(byteRange[2], byteRange[2] + byteRange[3])]);
  return { content, cms: Buffer.from(contentsDer) };
}

/** `openssl cms -verify` over detached content; returns whether it printed "Verification successful". */
export function opensslCmsVerify(cms: Uint8Array, content: Uint8Array, caFile: string, dir: string): { ok: boolean; output: string } {
  const sig = join(dir, `sig-${createHash('sha1').update(cms).digest('hex')}.der`);
  const data = join(dir, `data-${createHash('sha1').update(content).digest('hex')}.bin`);
  writeFileSync(sig, cms);
  writeFileSync(data, content);
  const r = run('openssl', ['cms', '-verify', '-binary', '-inform', 'DER', '-in', sig, '-content', data, '-CAfile', caFile, '-purpose', 'any', '-out', '/dev/null']);
  const output = r.stdout + r.stderr;
  return { ok: r.status === 0 && /Verification successful/.test(output), output };
}

/** `openssl ts -verify` of a token against data (the signature value it time-stamps). */
export function opensslTsVerify(token: Uint8Array, data: Uint8Array, caFile: string, untrusted: string | undefined, dir: string): { ok: boolean; output: string } {
  const t = join(dir, `tst-${createHash('sha1').update(token).digest('hex')}.der`);
  const d = join(dir, `tsd-${createHash('sha1').update(data).digest('hex')}.bin`);
  writeFileSync(t, token);
  writeFileSync(d, data);
  const args = ['ts', '-verify', '-in', t, '-token_in', '-data', d, '-CAfile', caFile];
  if (untrusted) args.push('-untrusted', untrusted);
  const r = run('openssl', args);
  const output = r.stdout + r.stderr;
  return { ok: r.status === 0 && /Verification: OK/.test(output), output };
}

import { readFileSync } from 'node:fs';
import { SignetError, formatReport, pemToDer, verifyPdf } from '@signet/core';
import { parseArgs } from './args.js';
import { dataDirOf } from './common.js';
import { openInstallation } from '../installation.js';
import { FilePkiStore } from '../pki/file-pki-store.js';

/**
 * `signet verify FILE.pdf [--json] [--trust FILE.pem]…`: prints the report; exit 0 only when every
 * signature is valid and nothing illegal changed after it, 1 otherwise.
 */
export async function cmdVerify(argv: string[]): Promise<number> {
  const { flags, positionals } = parseArgs(argv, { data: 'string', json: 'boolean', trust: 'multi' });
  const file = positionals[0];
  if (!file) throw new SignetError('INVALID_ARGUMENT', 'Give the PDF to verify: signet verify FILE.pdf');
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
  const bytes = readFileSync(file);
  const report = verifyPdf(bytes, { trustAnchors: anchors });
  if (flags.json) process.stdout.write(JSON.stringify(report, null, 2) + '\n');
  else process.stdout.write(formatReport(report));
  if (anchors.length === 0 && !flags.json) process.stderr.write('signet: no trust anchors: run `signet init` or pass --trust ROOT.pem\n');
  return report.valid ? 0 : 1;
}

import { readFileSync } from 'node:fs';
import {
  HttpTimestamper, SignetError, TextAppearance, parsePadesLevel, signPdf, type KeyKind, type Timestamper,
} from '@signet/core';
import { parseArgs } from './args.js';
import { dataDirOf, intOption, rectOption } from './common.js';
import { openInstallation } from '../installation.js';
import { writeFileAtomic } from '../storage/atomic-write.js';
import type { SignerIdentity } from '../pki/file-pki-store.js';

const KEY_KINDS: KeyKind[] = ['rsa-2048', 'rsa-3072', 'ecdsa-p256'];

/**
 * `signet sign IN.pdf -o OUT.pdf --name NAME …`: signs with a certificate from the embedded CA in
 * one new revision. The output is written atomically, so a failure never leaves a partial file.
 */
export async function cmdSign(argv: string[]): Promise<number> {
  const { flags, positionals } = parseArgs(argv, {
    data: 'string', out: 'string', name: 'string', 'id-number': 'string', org: 'string', uscc: 'string',
    seal: 'string', page: 'string', rect: 'string', level: 'string', certify: 'string', reason: 'string',
    location: 'string', key: 'string', 'tsa-url': 'string', 'field-name': 'string', 'remove-white': 'boolean',
    anchor: 'string',
  });
  const input = positionals[0];
  if (!input) throw new SignetError('INVALID_ARGUMENT', 'Give the PDF to sign: signet sign IN.pdf -o OUT.pdf --name NAME');
  if (positionals.length > 1) throw new SignetError('INVALID_ARGUMENT', `Unexpected argument "${positionals[1]}"; give one input PDF`);
  const out = flags.out as string | undefined;
  if (!out) throw new SignetError('INVALID_ARGUMENT', 'Give the output file with -o OUT.pdf');
  const name = flags.name as string | undefined;
  const org = flags.org as string | undefined;
  if (!name && !org) throw new SignetError('INVALID_ARGUMENT', 'Give the signer with --name NAME (and --id-number N) or --org ORG --uscc CODE');
  if (org && !flags.uscc) throw new SignetError('INVALID_ARGUMENT', '--org needs --uscc CODE (the unified social credit code)');
  if (flags.anchor) throw new SignetError('INVALID_ARGUMENT', '--anchor is not available yet; use --page N --rect x,y,w,h');
  const level = parsePadesLevel((flags.level as string | undefined) ?? 'B-LT');
  const certifyN = intOption(flags.certify as string | undefined, 'certify', 1, 3) as 1 | 2 | 3 | undefined;
  const page = intOption(flags.page as string | undefined, 'page', 1, 100000);
  const rect = rectOption(flags.rect as string | undefined);
  if (page !== undefined && !rect) throw new SignetError('INVALID_ARGUMENT', '--page needs --rect x,y,w,h (omit both for an invisible signature)');
  const keyKind = ((flags.key as string | undefined) ?? 'rsa-2048') as KeyKind;
  if (!KEY_KINDS.includes(keyKind)) throw new SignetError('KEY_UNSUPPORTED', `--key must be one of ${KEY_KINDS.join(', ')}`);
  let image: Uint8Array | undefined;
  const seal = flags.seal as string | undefined;
  if (seal) {
    if (seal === 'auto' || /\.svg$/i.test(seal)) throw new SignetError('INVALID_ARGUMENT', '--seal auto and SVG seals are not available yet; give a PNG or JPEG image');
    image = readFileSync(seal);
  }
  const pdf = readFileSync(input);

  const inst = openInstallation({ dataDir: dataDirOf(flags), create: true, masterKeyEnv: process.env.SIGNET_MASTER_KEY });
  const identity: SignerIdentity = org
    ? { kind: 'organization', name: org, uscc: flags.uscc as string }
    : { kind: 'person', name: name!, idNumber: (flags['id-number'] as string | undefined) ?? '' };
  const signer = inst.pki.signerFor(identity, keyKind);
  const timestamper: Timestamper = flags['tsa-url'] ? new HttpTimestamper(flags['tsa-url'] as string) : inst.timestamper;
  const signed = await signPdf(pdf, {
    signer,
    level,
    timestamper,
    validationData: inst.validationData,
    clock: inst.clock,
    page: rect ? page ?? 1 : 1,
    rect,
    appearance: rect ? new TextAppearance({ image, removeWhiteBackground: !!flags['remove-white'] }) : undefined,
    fieldName: flags['field-name'] as string | undefined,
    certify: certifyN,
    signerName: org ? (name ? `${org} (${name})` : org) : name,
    reason: flags.reason as string | undefined,
    location: flags.location as string | undefined,
  });
  writeFileAtomic(out, signed);
  process.stderr.write(`Signed ${input} → ${out} (${level}${certifyN ? `, certified P=${certifyN}` : ''}, ${signed.length - pdf.length} bytes appended)\n`);
  return 0;
}

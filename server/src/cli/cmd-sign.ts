import { readFileSync } from 'node:fs';
import {
  HttpTimestamper, SignetError, parsePadesLevel, signPdf, type KeyKind, type Timestamper,
} from '@signet/core';
import { findAnchor, placeAtAnchor, type AnchorPlacement, type Rect } from '@signet/core';
import { parseArgs } from './args.js';
import { signSealOptions, signingSeal } from './cmd-seal.js';
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
    'cross-page': 'boolean', pages: 'string', 'seal-size': 'string', 'cross-page-y': 'string',
    anchor: 'string', keyword: 'string', 'anchor-offset': 'string', size: 'string',
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
  const anchored = anchorOptions(flags);
  const level = parsePadesLevel((flags.level as string | undefined) ?? 'B-LT');
  const certifyN = intOption(flags.certify as string | undefined, 'certify', 1, 3) as 1 | 2 | 3 | undefined;
  let page = intOption(flags.page as string | undefined, 'page', 1, 100000);
  let rect = rectOption(flags.rect as string | undefined);
  if (page !== undefined && !rect) throw new SignetError('INVALID_ARGUMENT', '--page needs --rect x,y,w,h (omit both for an invisible signature)');
  const keyKind = ((flags.key as string | undefined) ?? 'rsa-2048') as KeyKind;
  if (!KEY_KINDS.includes(keyKind)) throw new SignetError('KEY_UNSUPPORTED', `--key must be one of ${KEY_KINDS.join(', ')}`);
  const sealOptions = signSealOptions(flags);
  // The seal is drawn (or its image read and checked) before the document is touched.
  const sealed = signingSeal(sealOptions, { kind: org ? 'organization' : 'person', name: org ?? name! });
  const pdf = readFileSync(input);
  if (anchored) ({ page, rect } = await placeAnchored(pdf, anchored));
  if (sealOptions.seal && !rect && !sealed.crossPage) {
    throw new SignetError('INVALID_ARGUMENT', '--seal needs a place: --page N --rect x,y,w,h, --anchor TEXT, --keyword TEXT, or --cross-page');
  }

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
    appearance: rect ? sealed.appearance : undefined,
    crossPage: sealed.crossPage,
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

/** What --anchor / --keyword ask for. */
interface AnchoredOptions {
  text: string;
  flag: 'anchor' | 'keyword';
  placement: AnchorPlacement;
  offset: [number, number];
  size: [number, number];
}

/**
 * Parses --anchor TEXT (the widget just right of the text, as DocuSign anchor tabs) or --keyword
 * TEXT (centred on the text, as keyword signing 关键字签署), with --anchor-offset dx,dy and --size w,h.
 */
function anchorOptions(flags: Record<string, unknown>): AnchoredOptions | undefined {
  const anchor = flags.anchor as string | undefined;
  const keyword = flags.keyword as string | undefined;
  if (anchor === undefined && keyword === undefined) {
    if (flags['anchor-offset'] !== undefined || flags.size !== undefined) throw new SignetError('INVALID_ARGUMENT', '--anchor-offset and --size need --anchor TEXT or --keyword TEXT');
    return undefined;
  }
  if (anchor !== undefined && keyword !== undefined) throw new SignetError('INVALID_ARGUMENT', 'Give either --anchor TEXT or --keyword TEXT, not both');
  const flag = anchor !== undefined ? 'anchor' : 'keyword';
  const text = (anchor ?? keyword)!;
  if (!text.trim()) throw new SignetError('INVALID_ARGUMENT', `--${flag} needs the text to find in the PDF`);
  if (flags.page !== undefined || flags.rect !== undefined) throw new SignetError('INVALID_ARGUMENT', `Give either --page/--rect or --${flag}, not both: --${flag} finds the page and the position`);
  const pair = (name: string, value: string | undefined, dflt: [number, number], positive: boolean): [number, number] => {
    if (value === undefined) return dflt;
    const parts = value.split(',').map((p) => Number(p.trim()));
    if (parts.length !== 2 || parts.some((n) => !Number.isFinite(n)) || (positive && parts.some((n) => n <= 0))) {
      throw new SignetError('INVALID_ARGUMENT', `--${name} must be ${positive ? 'w,h in points, both positive' : 'dx,dy in points'}, got "${value}"`);
    }
    return [parts[0], parts[1]];
  };
  return {
    text, flag, placement: flag === 'anchor' ? 'right' : 'center',
    offset: pair('anchor-offset', flags['anchor-offset'] as string | undefined, [0, 0], false),
    // A seal defaults to a 40 mm square (a company round seal); a signature to 150×50 pt.
    size: pair('size', flags.size as string | undefined, flags.seal ? [113, 113] : [150, 50], true),
  };
}

/** Finds the first occurrence of the text and places the widget there; ANCHOR_NOT_FOUND when absent. */
async function placeAnchored(pdf: Uint8Array, a: AnchoredOptions): Promise<{ page: number; rect: Rect }> {
  const hit = await findAnchor(pdf, a.text);
  const rect = placeAtAnchor(hit, { placement: a.placement, offsetX: a.offset[0], offsetY: a.offset[1], width: a.size[0], height: a.size[1] });
  process.stderr.write(`Found "${a.text}" on page ${hit.page}; the signature goes at ${rect.x},${rect.y},${rect.w},${rect.h}\n`);
  return { page: hit.page, rect };
}

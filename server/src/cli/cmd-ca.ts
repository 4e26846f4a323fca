import { SignetError, derToPem } from '@signet/core';
import { parseArgs } from './args.js';
import { dataDirOf } from './common.js';
import { openInstallation } from '../installation.js';
import { writeFileAtomic } from '../storage/atomic-write.js';

const REASONS = ['unspecified', 'keyCompromise', 'cACompromise', 'affiliationChanged', 'superseded', 'cessationOfOperation'] as const;

/** `signet ca export [--out FILE]` and `signet ca revoke SERIAL [--reason R]`. */
export async function cmdCa(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  const { flags, positionals } = parseArgs(rest, { data: 'string', out: 'string', reason: 'string' });
  const inst = openInstallation({ dataDir: dataDirOf(flags), create: false, masterKeyEnv: process.env.SIGNET_MASTER_KEY });
  if (sub === 'export') {
    const pem = derToPem(inst.pki.rootCertificate);
    if (flags.out) writeFileAtomic(flags.out as string, pem);
    else process.stdout.write(pem);
    return 0;
  }
  if (sub === 'revoke') {
    const serial = positionals[0];
    if (!serial) throw new SignetError('INVALID_ARGUMENT', 'Give the serial number (hex) of the certificate to revoke');
    const reason = (flags.reason as string | undefined) ?? 'unspecified';
    if (!(REASONS as readonly string[]).includes(reason)) throw new SignetError('INVALID_ARGUMENT', `--reason must be one of ${REASONS.join(', ')}`);
    inst.pki.revoke(serial.toLowerCase().replace(/^0x/, '').replace(/:/g, ''), reason as (typeof REASONS)[number]);
    process.stdout.write(`Revoked ${serial}.\n`);
    return 0;
  }
  throw new SignetError('INVALID_ARGUMENT', 'Use `signet ca export [--out FILE]` or `signet ca revoke SERIAL`');
}

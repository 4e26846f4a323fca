/**
 * The `signet` command line (DESIGN §5). Parses argv, dispatches to one command, and turns
 * SignetErrors and file errors into one clear line on stderr with a non-zero exit (never a stack
 * trace for a user error).
 */
import { isSignetError } from '@signet/core';
import { cmdInit } from './cmd-init.js';
import { cmdCa } from './cmd-ca.js';
import { cmdSign } from './cmd-sign.js';
import { cmdVerify } from './cmd-verify.js';
import { cmdStart } from './cmd-start.js';

/** Usage text. */
export const USAGE = `signet — open-source e-signature (PAdES) toolkit

  signet init [--data DIR]                          create the data dir, root CA, issuing CA, TSA, master key
  signet ca export [--out FILE]                     print the trust anchor (root CA) as PEM
  signet ca revoke SERIAL [--reason R]              revoke a certificate issued by this CA
  signet sign IN.pdf -o OUT.pdf --name NAME [--id-number N | --org ORG --uscc CODE]
              [--seal FILE.png|FILE.jpg] [--page N --rect x,y,w,h]
              [--level B-B|B-T|B-LT|B-LTA] [--certify 1|2|3] [--reason R] [--location L]
              [--key rsa-2048|rsa-3072|ecdsa-p256] [--tsa-url URL]
  signet verify FILE.pdf [--json] [--trust FILE.pem]...
                                                    exit 0 only if every signature is valid and nothing
                                                    illegal was changed after it
  signet start [--port 8080] [--host 127.0.0.1]     the server (what \`npm start\` runs)

Every command takes --data DIR (default ./data or SIGNET_DATA).
`;

/** Runs the CLI and resolves to the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  try {
    switch (cmd) {
      case 'init':
        return await cmdInit(rest);
      case 'ca':
        return await cmdCa(rest);
      case 'sign':
        return await cmdSign(rest);
      case 'verify':
        return await cmdVerify(rest);
      case 'start':
        return await cmdStart(rest);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(USAGE);
        return cmd === undefined ? 2 : 0;
      default:
        process.stderr.write(`signet: unknown command '${cmd}'; run \`signet help\`\n`);
        return 2;
    }
  } catch (e) {
    if (isSignetError(e)) {
      process.stderr.write(`signet: ${e.message} [${e.code}]\n`);
      return 1;
    }
    const err = e as NodeJS.ErrnoException;
    if (err && typeof err.code === 'string' && typeof err.path === 'string') {
      const why = err.code === 'ENOENT' ? 'no such file' : err.code === 'EACCES' ? 'permission denied' : err.code === 'EISDIR' ? 'is a directory' : err.code;
      process.stderr.write(`signet: ${err.path}: ${why}\n`);
      return 1;
    }
    process.stderr.write(`signet: internal error: ${(e as Error)?.message ?? String(e)}\n`);
    if (process.env.SIGNET_DEBUG) console.error(e);
    return 70;
  }
}

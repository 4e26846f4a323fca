/**
 * The `signet` command line (DESIGN §5). Parses argv, dispatches to one command, and turns
 * SignetErrors and file errors into one clear line on stderr with a non-zero exit (never a stack
 * trace for a user error).
 */
import { isSignetError } from '@signet/core';

// Commands load on demand: `signet verify` need not load the server, and `signet start` not the HR importer.

/** Usage text. */
export const USAGE = `signet — open-source e-signature (PAdES) toolkit

  signet init [--data DIR]                          create the data dir, root CA, issuing CA, TSA, master key
  signet ca export [--out FILE]                     print the trust anchor (root CA) as PEM
  signet ca revoke SERIAL [--reason R]              revoke a certificate issued by this CA
  signet sign IN.pdf -o OUT.pdf --name NAME [--id-number N | --org ORG --uscc CODE]
              [--seal auto|FILE.svg|FILE.png|FILE.jpg [--remove-white]] [--page N --rect x,y,w,h | --anchor TEXT | --keyword TEXT]
              [--cross-page [--pages 1-3] [--seal-size MM] [--cross-page-y Y]]
              [--anchor-offset dx,dy] [--size w,h]
              [--level B-B|B-T|B-LT|B-LTA] [--certify 1|2|3] [--reason R] [--location L]
              [--key rsa-2048|rsa-3072|ecdsa-p256] [--tsa-url URL]
  signet seal --type round|oval|square|date --text TEXT [--type-text 合同专用章] [--code 13-DIGITS]
              [--tax-number N] [--style yang|yin] [--layout grid|row] [--date YYYY-MM-DD] [--color #E60012]
              [--size MM] [--aged SEED] [--font FILE.ttf] -o seal.svg|seal.pdf
  signet seal --type handwriting --strokes strokes.json [--color #000000] -o sig.svg|sig.pdf
                                                    draw a seal or a handwritten signature as vectors
  signet verify FILE.pdf [--json] [--trust FILE.pem]...
                                                    exit 0 only if every signature is valid and nothing
                                                    illegal was changed after it
  signet template fill TEMPLATE.json --vars VARS.json -o OUT.pdf [--json]
                                                    fill a template (basePdf is relative to the JSON) and
                                                    print where each role signs and seals
  signet template check TEMPLATE.json [--vars VARS.json]
  signet evidence verify PACKAGE.zip [--json] [--trust FILE.pem]...
                                                    verify an evidence package offline; exit 0 only if
                                                    every hash, signature and the audit chain check out
  signet evidence pack --signed S.pdf [--original O.pdf] --audit EVENTS.json --info EVIDENCE.json
              -o PACKAGE.zip [--platform NAME --platform-uscc CODE]
                                                    build and sign an evidence package (demos, tests)
  signet app create (--enterprise ID | --demo) --name NAME [--json]
                                                    create an integrator app; prints its appId and secret once
  signet app list [--enterprise ID | --demo] [--json]
  signet start [--port 8080] [--host 127.0.0.1] [--workers N]
                                                    the server (what \`npm start\` runs); --workers N runs N
                                                    processes on one port (needs DATABASE_URL)
  signet migrate --from lowdb --to URL [--force] [--json]
                                                    copy the embedded store (records, blobs, pending jobs) into
                                                    PostgreSQL and verify counts and hashes; safe to rerun
  signet hr import FILE --mapping M.json [--period P] [--enterprise ID] [--concurrency N] [--problems OUT.csv] [--json]
              [--server URL --app-id ID]           launch a bundle for every good row of an employee CSV/JSON, exactly
                                                    once per employee × bundle × period; exit 3 when some rows failed
  signet hr status [BATCH] [--all] | signet hr export (--batch B | FILE --mapping M.json) [-o OUT.csv]
  signet hr sync | signet hr remind | signet hr demo [--rows N] [--out DIR]
  signet oa provision [--signet-url URL] [--approval-code CODE] [--approver OPEN_ID]...
                                                    create or update the 用印申请 approval in Lark/Feishu
  signet oa serve --data DIR --signet-url URL [--port 8090]
                                                    run the OA connector as its own process

Every command takes --data DIR (default ./data or SIGNET_DATA).
`;

/** Runs the CLI and resolves to the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  try {
    switch (cmd) {
      case 'init':
        return await (await import('./cmd-init.js')).cmdInit(rest);
      case 'ca':
        return await (await import('./cmd-ca.js')).cmdCa(rest);
      case 'sign':
        return await (await import('./cmd-sign.js')).cmdSign(rest);
      case 'seal':
        return await (await import('./cmd-seal.js')).cmdSeal(rest);
      case 'verify':
        return await (await import('./cmd-verify.js')).cmdVerify(rest);
      case 'start':
        return await (await import('./cmd-start.js')).cmdStart(rest);
      case 'migrate':
        return await (await import('./cmd-migrate.js')).cmdMigrate(rest);
      case 'template':
        return await (await import('./cmd-template.js')).cmdTemplate(rest);
      case 'evidence':
        return await (await import('./cmd-evidence.js')).cmdEvidence(rest);
      case 'hr':
        return await (await import('./cmd-hr.js')).cmdHr(rest);
      case 'oa':
        return await (await import('./cmd-oa.js')).cmdOa(rest, process.env);
      case 'app':
        return await (await import('./cmd-app.js')).cmdApp(rest);
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

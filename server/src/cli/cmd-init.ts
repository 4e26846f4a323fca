import { parseArgs } from './args.js';
import { dataDirOf } from './common.js';
import { openInstallation } from '../installation.js';

/** `signet init [--data DIR] [--base-url URL]`: creates the installation; idempotent. */
export async function cmdInit(argv: string[]): Promise<number> {
  const { flags } = parseArgs(argv, { data: 'string', 'base-url': 'string' });
  const inst = openInstallation({ dataDir: dataDirOf(flags), create: true, baseUrl: flags['base-url'] as string | undefined, publicBaseUrl: !!flags['base-url'], masterKeyEnv: process.env.SIGNET_MASTER_KEY });
  process.stdout.write(inst.created
    ? `Initialised ${inst.dataDir}: root CA, issuing CA, TSA and master key created.\n`
    : `${inst.dataDir} is already initialised; nothing changed.\n`);
  return 0;
}

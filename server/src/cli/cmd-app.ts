/**
 * `signet app create` and `signet app list`: integrator apps from the command line, for setting up
 * an installation before anyone logs in to the console. The server must not be running on the same
 * data directory (its record store is single-process); with the server up, use the console or
 * `POST /api/v1/apps` instead.
 */
import { DEMO_SEED, Directory, SignetError, isSignetError, type Actor } from '@signet/core';
import { AppService } from '../apps/app-service.js';
import { RecordAppCredentialStore } from '../auth/app-credential-store.js';
import { openInstallation } from '../installation.js';
import { openStorage, type ServerStorage } from '../storage/open-storage.js';
import { parseArgs } from './args.js';
import { dataDirOf } from './common.js';

const CLI: Actor = { kind: 'system', reason: 'signet app (CLI)' };

/** Opens the data directory's storage, explaining STORE_LOCKED for this command. */
async function open(dataDir: string): Promise<{ storage: ServerStorage; directory: Directory; apps: AppService; credentials: RecordAppCredentialStore }> {
  const inst = openInstallation({ dataDir, create: false, masterKeyEnv: process.env.SIGNET_MASTER_KEY });
  let storage: ServerStorage;
  try {
    storage = await openStorage({ dataDir: inst.dataDir, masterKey: inst.masterKey });
  } catch (e) {
    if (isSignetError(e, 'STORE_LOCKED')) {
      throw new SignetError('STORE_LOCKED', `服务器正在使用 ${inst.dataDir}。The server is running on ${inst.dataDir}: stop it first, or create the app in the console (POST /api/v1/apps).`);
    }
    throw e;
  }
  const directory = new Directory({ store: storage.records, cipher: storage.cipher });
  const credentials = new RecordAppCredentialStore(storage.records, inst.masterKey);
  return { storage, directory, credentials, apps: new AppService({ credentials, directory }) };
}

/** The enterprise `--enterprise ID` or `--demo` names; NOT_FOUND with the fix otherwise. */
async function enterpriseOf(directory: Directory, flags: Record<string, unknown>, dataDir: string): Promise<{ id: string; name: string } | undefined> {
  if (flags.enterprise && flags.demo) throw new SignetError('INVALID_ARGUMENT', 'Give --enterprise ID or --demo, not both');
  if (flags.demo) {
    const e = await directory.findEnterpriseByUscc(DEMO_SEED.enterprise.uscc);
    if (!e) throw new SignetError('NOT_FOUND', `No demo enterprise in ${dataDir}: run \`npm start\` once (it seeds it), or give --enterprise ID`);
    return e;
  }
  if (typeof flags.enterprise === 'string') {
    const e = await directory.getEnterprise(flags.enterprise);
    if (!e) throw new SignetError('NOT_FOUND', `No enterprise ${flags.enterprise} in ${dataDir}; check the id (the console shows it), or use --demo`);
    return e;
  }
  return undefined;
}

/** `signet app create --enterprise ID|--demo --name NAME [--json]` and `signet app list [--enterprise ID|--demo] [--json]`. */
export async function cmdApp(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub !== 'create' && sub !== 'list') throw new SignetError('INVALID_ARGUMENT', 'Use `signet app create --enterprise ID|--demo --name NAME` or `signet app list`');
  const { flags, positionals } = parseArgs(rest, { data: 'string', enterprise: 'string', demo: 'boolean', name: 'string', json: 'boolean' });
  if (positionals.length) throw new SignetError('INVALID_ARGUMENT', `Unexpected argument ${positionals[0]}; see \`signet help\``);
  if (sub === 'create') {
    if (!flags.enterprise && !flags.demo) throw new SignetError('INVALID_ARGUMENT', 'Say which enterprise the app acts for: --enterprise ID or --demo');
    if (typeof flags.name !== 'string' || !flags.name.trim()) throw new SignetError('INVALID_ARGUMENT', 'Give the app a name: --name NAME');
  }
  const dataDir = dataDirOf(flags);
  const { storage, directory, apps, credentials } = await open(dataDir);
  try {
    const ent = await enterpriseOf(directory, flags, dataDir);
    if (sub === 'create') {
      const issued = await apps.register(CLI, { enterpriseId: ent!.id, name: flags.name as string });
      if (flags.json) process.stdout.write(`${JSON.stringify(issued, null, 2)}\n`);
      else {
        process.stdout.write(`已创建集成应用 Created app "${issued.name}" for ${ent!.name} (${ent!.id}).\n`);
        process.stdout.write(`  appId:  ${issued.appId}\n  secret: ${issued.secret}\n`);
        process.stdout.write('密钥只显示这一次，请立即保存。The secret is shown only this once: store it now.\n');
      }
      return 0;
    }
    const enterprises = ent ? [ent] : (await directory.collections.enterprises.scan()).map((e) => ({ id: e.id, name: e.name }));
    const rows = [];
    for (const e of enterprises) for (const a of await credentials.list(e.id)) rows.push({ ...a, enterpriseName: e.name });
    if (flags.json) process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    else if (rows.length === 0) process.stdout.write('没有集成应用 No apps yet: create one with `signet app create --demo --name NAME`.\n');
    else for (const r of rows) process.stdout.write(`${r.appId}  ${r.status.padEnd(8)}  ${r.createdAt}  ${r.enterpriseName} (${r.enterpriseId})  ${r.name}\n`);
    return 0;
  } finally {
    await storage.close();
  }
}

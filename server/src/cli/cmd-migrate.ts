import { SignetError } from '@signet/core';
import { parseArgs } from './args.js';
import { dataDirOf } from './common.js';
import { MasterKey } from '../storage/master-key.js';
import { PgLowdbMigration, type MigrationProgress, type MigrationReport } from '../storage/pg-lowdb-migration.js';

/**
 * `signet migrate --from lowdb --to URL [--data DIR] [--force] [--json]`: copies the embedded
 * installation's records, blobs and pending jobs into PostgreSQL, verifies counts and hashes, and
 * prints the report (stdout); progress goes to stderr. Stop the server first (the embedded store's
 * LOCK refuses otherwise). Safe to run again: identical records are skipped, different ones are
 * left and reported (exit 1, MIGRATION_CONFLICT) unless `--force`.
 */
export async function cmdMigrate(argv: string[]): Promise<number> {
  const { flags, positionals } = parseArgs(argv, { data: 'string', from: 'string', to: 'string', force: 'boolean', json: 'boolean' });
  if (positionals.length) throw new SignetError('INVALID_ARGUMENT', `Unexpected argument "${positionals[0]}"; usage: signet migrate --from lowdb --to postgres://… [--data DIR] [--force]`);
  if (flags.from !== 'lowdb') throw new SignetError('INVALID_ARGUMENT', `--from must be lowdb (the embedded store), got ${flags.from === undefined ? 'nothing' : `"${flags.from}"`}`);
  const to = flags.to as string | undefined;
  if (!to || !/^postgres(ql)?:\/\//i.test(to)) throw new SignetError('INVALID_ARGUMENT', '--to must be the PostgreSQL URL to migrate to, e.g. --to "$DATABASE_URL" (postgres://user:password@host:5432/signet)');
  const dataDir = dataDirOf(flags);
  const masterKey = MasterKey.load(dataDir, process.env.SIGNET_MASTER_KEY);
  const tty = process.stderr.isTTY;
  let last = '';
  const progress = (p: MigrationProgress) => {
    const what = p.phase === 'records' ? `记录 records ${p.collection}` : p.phase === 'blobs' ? '文件 blobs' : '任务 jobs';
    const line = `迁移 Migrating ${what}: ${p.done}/${p.total}`;
    if (tty) process.stderr.write(`\r${line}\x1b[K`);
    else if (p.done === p.total || p.done % 5000 === 0) process.stderr.write(`${line}\n`);
    last = line;
  };
  const report = await new PgLowdbMigration({ dataDir, databaseUrl: to, masterKey, force: !!flags.force, progress }).run();
  if (tty && last) process.stderr.write('\n');
  process.stdout.write(flags.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
  if (!report.ok) {
    const differing = report.collections.reduce((n, c) => n + c.differing.length, 0) + report.blobs.damagedInTarget.length;
    throw new SignetError('MIGRATION_CONFLICT', differing && !flags.force
      ? `迁移未完成 ${differing} records or blobs in the target differ from the source and were left as they are; check them, then rerun with --force to overwrite them with the source`
      : '迁移校验失败 The target does not match the source (see the report above); check the database, then rerun');
  }
  return 0;
}

/** The report as a table for people. */
function formatReport(r: MigrationReport): string {
  const rows = r.collections.map((c) => [c.collection, String(c.source), String(c.target), String(c.copied), String(c.identical), String(c.differing.length), c.verified ? 'ok' : 'MISMATCH']);
  const head = ['collection', 'source', 'target', 'copied', 'same', 'differ', 'sha256'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const fmt = (row: string[]) => row.map((v, i) => (i === 0 ? v.padEnd(widths[i]) : v.padStart(widths[i]))).join('  ');
  const lines = [fmt(head), ...rows.map(fmt)];
  for (const c of r.collections) if (c.differing.length) lines.push(`  ${c.collection}: differ ${c.differing.slice(0, 5).join(', ')}${c.differing.length > 5 ? ', …' : ''}${c.overwritten ? ` (overwritten ${c.overwritten})` : ''}`);
  const b = r.blobs;
  lines.push(`blobs: source ${b.source}, copied ${b.copied}, already there ${b.present}, damaged in target ${b.damagedInTarget.length}${b.replaced ? ` (replaced ${b.replaced})` : ''}, damaged in source ${b.damagedInSource.length}: ${b.verified ? 'ok' : 'MISMATCH'}`);
  if (b.damagedInSource.length) lines.push(`  damaged source blobs (not copied; restore them from backup): ${b.damagedInSource.slice(0, 5).join(', ')}`);
  lines.push(`jobs handed to the PostgreSQL queue: ${r.jobs}`);
  lines.push(r.ok ? '迁移完成 Migration verified: every record and blob is in PostgreSQL.' : '迁移未通过校验 Migration NOT verified.');
  return `${lines.join('\n')}\n`;
}

/**
 * Versioned SQL migrations for the PostgreSQL storage, applied at start.
 *
 * - **Files.** `server/src/storage/migrations/NNNN_<name>.sql`, applied in ascending version order.
 *   An applied file is never edited: a change is a new file.
 * - **Tracking.** Table `schema_migrations` (version, name, SHA-256 of the file, applied time).
 * - **Once, with several processes.** The runner holds a session advisory lock (PostgreSQL manual
 *   §13.3.5) while it reads `schema_migrations` and applies what is missing, so processes starting
 *   at once queue behind each other and each migration is applied exactly once. Each migration and
 *   its `schema_migrations` row commit in one transaction: a crash leaves it applied or not at all.
 * - **Safety.** A database that holds versions this build does not know (migrated by a newer
 *   Signet), or whose applied files have changed, is refused with SCHEMA_MISMATCH.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { SignetError } from '@signet/core';
import { fromPgError } from './pg-errors.js';

/** One migration file. */
export interface Migration {
  version: number;
  /** The file name without version and extension, e.g. `init`. */
  name: string;
  sql: string;
  /** Lower-case hex SHA-256 of the file's bytes. */
  checksum: string;
}

/** What {@link migrateDatabase} did. */
export interface MigrationReport {
  /** The migrations this call applied (empty when the schema was current, e.g. another process did it). */
  applied: Migration[];
  /** The schema version now. */
  version: number;
}

/** The schema state, for readiness checks. */
export interface SchemaStatus {
  /** The highest applied version (0 when none). */
  version: number;
  /** The highest version this build knows. */
  latest: number;
  /** True when every known migration is applied. */
  current: boolean;
}

/** The directory of Signet's migration files. */
export const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));

/** The advisory lock key of the runner: "SIGNETMG" as a 64-bit integer. */
export const MIGRATION_LOCK_KEY = '6001406379944070471';

const FILE = /^(\d{4})_([a-z0-9_]+)\.sql$/;

const cache = new Map<string, Migration[]>();

/** Reads the migration files of `dir` (default {@link MIGRATIONS_DIR}), ascending by version; cached per process. */
export function loadMigrations(dir: string = MIGRATIONS_DIR): Migration[] {
  const hit = cache.get(dir);
  if (hit) return hit;
  const out: Migration[] = [];
  for (const file of readdirSync(dir).sort()) {
    if (!file.endsWith('.sql')) continue;
    const m = FILE.exec(file);
    if (!m) throw new SignetError('INTERNAL', `Migration file ${file} in ${dir} is not named NNNN_name.sql; rename it`);
    const bytes = readFileSync(join(dir, file));
    const version = Number(m[1]);
    if (out.length && out[out.length - 1].version === version) throw new SignetError('INTERNAL', `Two migration files in ${dir} have version ${m[1]}; renumber one`);
    out.push({ version, name: m[2], sql: bytes.toString('utf8'), checksum: createHash('sha256').update(bytes).digest('hex') });
  }
  out.forEach((mig, i) => {
    if (mig.version !== i + 1) throw new SignetError('INTERNAL', `Migration versions in ${dir} must run 1, 2, 3… without gaps; version ${mig.version} is number ${i + 1}`);
  });
  cache.set(dir, out);
  return out;
}

const CREATE_TRACKING = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version    integer PRIMARY KEY,
  name       text NOT NULL,
  checksum   text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
)`;

/**
 * Applies every migration of `migrations` that the database lacks, under the advisory lock, and
 * reports what it applied. Waits (without a statement timeout) while another process migrates.
 */
export async function migrateDatabase(pool: pg.Pool, migrations: Migration[] = loadMigrations()): Promise<MigrationReport> {
  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (e) {
    throw fromPgError(e, 'the schema migration');
  }
  let broken: unknown;
  try {
    // A migration may run long, and waiting for another process's lock is normal.
    await client.query('SET statement_timeout = 0');
    await client.query('SELECT pg_advisory_lock($1::bigint)', [MIGRATION_LOCK_KEY]);
    try {
      await client.query(CREATE_TRACKING);
      const applied = await appliedMigrations(client);
      checkApplied(applied, migrations);
      const done: Migration[] = [];
      for (const m of migrations) {
        if (applied.has(m.version)) continue;
        await client.query('BEGIN');
        try {
          await client.query(m.sql);
          await client.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [m.version, m.name, m.checksum]);
          await client.query('COMMIT');
        } catch (e) {
          await client.query('ROLLBACK').catch(() => undefined);
          throw new SignetError('SCHEMA_MISMATCH', `Migration ${String(m.version).padStart(4, '0')}_${m.name}.sql failed and was rolled back: ${(e as Error).message}. Fix the database (or the file, if it was never applied anywhere) and start again`, { version: m.version });
        }
        done.push(m);
      }
      return { applied: done, version: migrations.length ? migrations[migrations.length - 1].version : 0 };
    } finally {
      await client.query('SELECT pg_advisory_unlock($1::bigint)', [MIGRATION_LOCK_KEY]);
      await client.query('RESET statement_timeout');
    }
  } catch (e) {
    broken = e;
    throw fromPgError(e, 'the schema migration');
  } finally {
    // A client whose session state is unknown (an error mid-way) is discarded, not reused.
    client.release(broken instanceof Error && !(broken instanceof SignetError) ? broken : undefined);
  }
}

/** The applied versions with their checksums. */
async function appliedMigrations(client: pg.ClientBase): Promise<Map<number, { name: string; checksum: string }>> {
  const { rows } = await client.query<{ version: number; name: string; checksum: string }>('SELECT version, name, checksum FROM schema_migrations ORDER BY version');
  return new Map(rows.map((r) => [r.version, { name: r.name, checksum: r.checksum }]));
}

function checkApplied(applied: Map<number, { name: string; checksum: string }>, migrations: Migration[]): void {
  const known = new Map(migrations.map((m) => [m.version, m]));
  for (const [version, a] of applied) {
    const m = known.get(version);
    if (!m) {
      throw new SignetError('SCHEMA_MISMATCH', `The database is at schema version ${Math.max(...applied.keys())}, newer than this Signet knows (${migrations.length}). Run the Signet version that migrated it`, { version });
    }
    if (m.checksum !== a.checksum) {
      throw new SignetError('SCHEMA_MISMATCH', `Migration ${String(version).padStart(4, '0')}_${m.name}.sql was changed after it was applied to this database. Restore the original file and add the change as a new migration`, { version });
    }
  }
}

/** The schema version of the database against what this build knows (for `/readyz`). */
export async function schemaStatus(db: pg.Pool | pg.ClientBase, migrations: Migration[] = loadMigrations()): Promise<SchemaStatus> {
  const latest = migrations.length ? migrations[migrations.length - 1].version : 0;
  let version = 0;
  try {
    const { rows } = await db.query<{ v: number | null }>('SELECT max(version) AS v FROM schema_migrations');
    version = rows[0]?.v ?? 0;
  } catch (e) {
    if ((e as { code?: string }).code !== '42P01') throw fromPgError(e, 'the schema check');
  }
  return { version, latest, current: version === latest };
}

/**
 * PostgreSQL for tests. The server is named by `SIGNET_TEST_DATABASE_URL` (`.ci/run` starts one on
 * 127.0.0.1 and exports it), as a URL whose user may create and drop databases. A spec that needs it
 * calls {@link requirePostgres} in a `before` hook, like {@link requireTool}: without a reachable
 * server the suite is skipped with a loud message, unless `CI` is set, in which case it fails.
 * Each test database is made with {@link createTestDatabase} (`signet_test_<random>`) and dropped
 * by its `drop()`, so tests never share state and never touch a database they did not create.
 */
import { randomBytes } from 'node:crypto';

/** The administrative URL of the test server, from `SIGNET_TEST_DATABASE_URL`, or undefined. */
export function testDatabaseUrl(): string | undefined {
  return process.env.SIGNET_TEST_DATABASE_URL || undefined;
}

/**
 * Skips the current mocha suite loudly when no PostgreSQL test server is configured or reachable;
 * fails instead when `CI` is set. Resolves to the administrative URL. Call it as
 * `before(async function () { adminUrl = await requirePostgres(this); })`.
 */
export async function requirePostgres(ctx: Mocha.Context): Promise<string> {
  const url = testDatabaseUrl();
  let why: string | undefined;
  if (!url) {
    why = 'SIGNET_TEST_DATABASE_URL is not set';
  } else {
    const client = new (await pgModule()).Client({ connectionString: url, connectionTimeoutMillis: 3000 });
    try {
      await client.connect();
      await client.query('SELECT 1');
    } catch (e) {
      why = `PostgreSQL at ${redactUrl(url)} is not reachable (${(e as Error).message})`;
    } finally {
      await client.end().catch(() => undefined);
    }
  }
  if (!why) return url!;
  const msg = `${why}; start PostgreSQL (apt-get install postgresql, or run .ci/run) and set SIGNET_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres`;
  if (process.env.CI) throw new Error(`CI is set and ${msg}`);
  console.warn(`\n  !!! SKIPPING: ${msg}\n`);
  ctx.skip();
  return '';
}

/** A database made for one test or suite. */
export interface TestDatabase {
  /** `signet_test_<16 hex digits>`. */
  name: string;
  /** The URL of the new database (the administrative URL with its database replaced). */
  url: string;
  /** Drops the database, ending connections still open to it. Safe to call twice. */
  drop(): Promise<void>;
}

/** Creates an empty database `signet_test_<random>` on the server of `adminUrl`. */
export async function createTestDatabase(adminUrl: string): Promise<TestDatabase> {
  const name = `signet_test_${randomBytes(8).toString('hex')}`;
  await adminQuery(adminUrl, `CREATE DATABASE ${name}`);
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  let dropped = false;
  return {
    name,
    url: u.toString(),
    async drop() {
      if (dropped) return;
      dropped = true;
      await adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

/** node-postgres, loaded on first use so that specs without PostgreSQL never pay for it. */
async function pgModule(): Promise<(typeof import('pg'))['default']> {
  return (await import('pg')).default;
}

async function adminQuery(adminUrl: string, sql: string): Promise<void> {
  const client = new (await pgModule()).Client({ connectionString: adminUrl, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** `url` with its password replaced by `***`, for messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(an unparsable URL)';
  }
}

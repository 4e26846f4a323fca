/**
 * Test fixture for the concurrency spec of `migrateDatabase`: one process starting against the
 * database `argv[2]` with the migration files of `argv[3]`. It connects, prints `ready`, waits for a
 * line on stdin (so that every starter migrates at once), migrates, and prints the versions it
 * applied as JSON.
 */
import { createInterface } from 'node:readline';
import pg from 'pg';
import { loadMigrations, migrateDatabase } from './pg-migrations.js';

const pool = new pg.Pool({ connectionString: process.argv[2], max: 2 });
await pool.query('SELECT 1');
process.stdout.write('ready\n');
await new Promise<void>((resolve) => {
  const rl = createInterface({ input: process.stdin });
  rl.once('line', () => { rl.close(); process.stdin.destroy(); resolve(); });
});
const report = await migrateDatabase(pool, loadMigrations(process.argv[3]));
process.stdout.write(`${JSON.stringify(report.applied.map((m) => m.version))}\n`);
await pool.end();

/**
 * Test-only helpers shared by every package's specs.
 *
 * External tools (pdfsig, qpdf, openssl, chromium, certutil) are optional on a developer machine:
 * a spec that needs one calls {@link requireTool} in a `before` hook. When the tool is missing the
 * suite is skipped with a loud message, unless `CI` is set, in which case it fails.
 */
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** Absolute path of the repository root. */
export const repoRoot = resolve(here, '..');

/** The copy of the interop corpus kept in the repository, so that a fresh clone runs every spec. */
export const vendoredCorpusDir = resolve(here, 'corpus');

/** The shared interop corpus next to the repository (`../shared/corpus`), when there is one. */
export const sharedCorpusDir = resolve(repoRoot, '..', 'shared', 'corpus');

/**
 * Absolute path of the interop corpus: `SIGNET_CORPUS`, else `../shared/corpus` where it exists, else the
 * repository's copy (`test-support/corpus`; a spec keeps the copy equal to the shared corpus).
 */
export const corpusDir =
  process.env.SIGNET_CORPUS ?? (existsSync(join(sharedCorpusDir, 'unsigned.pdf')) ? sharedCorpusDir : vendoredCorpusDir);

/** Reads one corpus file. */
export function corpusFile(name: string): Buffer {
  return readFileSync(join(corpusDir, name));
}

const toolCache = new Map<string, string | null>();

/** Returns the absolute path of an executable on PATH, or null. */
export function findTool(name: string): string | null {
  if (toolCache.has(name)) return toolCache.get(name)!;
  const r = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  const path = r.status === 0 ? r.stdout.trim() : null;
  toolCache.set(name, path || null);
  return path || null;
}

/**
 * Skips the current mocha suite loudly when `tool` is absent; fails instead when `CI` is set.
 * Call it as `before(function () { requireTool(this, 'pdfsig', 'poppler-utils'); })`.
 */
export function requireTool(ctx: Mocha.Context, tool: string, debianPackage: string): string {
  const path = findTool(tool);
  if (path) return path;
  const msg = `${tool} is not installed (Debian package ${debianPackage}); install it: apt-get install ${debianPackage}`;
  if (process.env.CI) throw new Error(`CI is set and ${msg}`);
  console.warn(`\n  !!! SKIPPING: ${msg}\n`);
  ctx.skip();
  return '';
}

/** Result of {@link run}. */
export interface RunResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command synchronously and returns its exit status and output as text. */
export function run(cmd: string, args: string[], opts: SpawnSyncOptions = {}): RunResult {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...opts });
  if (r.error) throw r.error;
  return { status: r.status, stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? '') };
}

/** Creates a fresh temporary directory and returns it with a cleanup function. */
export function tempDir(prefix = 'signet-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export * from './interop.js';
export * from './fonts.js';
export * from './postgres.js';

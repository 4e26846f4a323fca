/**
 * The composition root: parses configuration once, opens the installation and the platform (storage,
 * directory, identity, workflow, jobs, webhooks), seeds the demo enterprise, builds the app and
 * listens. Nothing else in the server reads process.env.
 */
import type { Server } from 'node:http';
import { SignetError, seedDemo } from '@signet/core';
import { createApp } from './app.js';
import { createHttpServer } from './http/server-timeouts.js';
import { openInstallation } from './installation.js';
import { openPlatform, type OpenedPlatform } from './platform.js';
import { cjkFontBytes } from './fonts.js';
import { runClusterPrimary } from './cluster/cluster-primary.js';
import type { ReadinessReport } from './cluster/readiness.js';
import { WebAssets } from './pages/web-assets.js';
import { oaConfigOf, oaEnvironment } from './oa/oa-config.js';
import { seedDemoExtras } from './demo/seed-demo-extras.js';

/** Server configuration. */
export interface ServerConfig {
  dataDir: string;
  port: number;
  host: string;
  baseUrl?: string;
  /** Seed the demo enterprise and print its login (default true). */
  demo?: boolean;
}

/** Configuration of {@link startCluster}: the server's, plus how many worker processes. */
export interface ClusterConfig extends ServerConfig {
  /** Worker processes (node:cluster) sharing the port; more than one needs DATABASE_URL. */
  workers: number;
}

/** What {@link startServer} returns. */
export interface RunningServer {
  server: Server;
  platform: OpenedPlatform;
  url: string;
  /** Stops accepting requests, lets in-flight ones finish, stops jobs and closes storage. */
  stop(): Promise<void>;
}

/** Reads the environment once: the only place that does. */
function environment() {
  const e = process.env;
  return {
    baseUrl: e.SIGNET_BASE_URL,
    masterKey: e.SIGNET_MASTER_KEY,
    quiet: !!e.SIGNET_QUIET,
    demo: e.SIGNET_DEMO !== '0',
    smsUrl: e.SIGNET_SMS_URL,
    smsToken: e.SIGNET_SMS_TOKEN,
    identityUrl: e.SIGNET_IDENTITY_URL,
    identityToken: e.SIGNET_IDENTITY_TOKEN,
    allowPrivateWebhooks: e.SIGNET_WEBHOOK_ALLOW_PRIVATE === '1',
    databaseUrl: e.DATABASE_URL || undefined,
    postgres: {
      poolMax: intEnv(e, 'SIGNET_PG_POOL_MAX', 1, 1000),
      statementTimeoutMs: intEnv(e, 'SIGNET_PG_STATEMENT_TIMEOUT_MS', 0, 3_600_000),
    },
    blobDir: e.SIGNET_BLOB_DIR || undefined,
    /** The slot of this process in `signet start --workers N` (set by the cluster primary). */
    worker: e.SIGNET_WORKER_ID ? Number(e.SIGNET_WORKER_ID) : undefined,
    oa: oaEnvironment(e),
  };
}

/** An integer environment variable within bounds, or undefined when unset; INVALID_ARGUMENT names it otherwise. */
function intEnv(e: NodeJS.ProcessEnv, name: string, min: number, max: number): number | undefined {
  const v = e[name];
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw new SignetError('INVALID_ARGUMENT', `${name} must be an integer from ${min} to ${max}, got "${v}"`);
  return n;
}

/**
 * Runs `signet start --workers N`: this process becomes the node:cluster primary and forks N
 * workers, each running {@link startServer} on the shared port; resolves to the exit code once
 * they have shut down. The embedded store serves one process, so N > 1 needs DATABASE_URL
 * (STORE_LOCKED otherwise). The primary initialises the installation first, so that workers never
 * race to create the CA.
 */
export async function startCluster(cfg: ClusterConfig): Promise<number> {
  const env = environment();
  if (cfg.workers > 1 && !env.databaseUrl) {
    throw new SignetError('STORE_LOCKED', `The embedded store (lowdb) serves one process, so --workers ${cfg.workers} needs PostgreSQL: set DATABASE_URL=postgres://… (README "Switch to PostgreSQL"), or start with --workers 1`);
  }
  const publicBase = cfg.baseUrl ?? env.baseUrl;
  const inst = openInstallation({ dataDir: cfg.dataDir, create: true, baseUrl: publicBase ?? `http://localhost:${cfg.port}`, publicBaseUrl: !!publicBase, masterKeyEnv: env.masterKey });
  if (inst.created) console.log(`已初始化 Initialised ${inst.dataDir} (root CA, issuing CA, TSA, master key).`);
  return runClusterPrimary({ workers: cfg.workers });
}

/** Opens the installation (initialising it on first run), starts listening and prints the URLs. */
export async function startServer(cfg: ServerConfig): Promise<RunningServer> {
  const env = environment();
  // In a cluster, only the first worker prints the banner, and request lines say which worker served.
  const banner = env.worker && env.worker > 1 ? () => undefined : (line: string) => console.log(line);
  const logLine = env.worker ? (l: string) => console.log(`[w${env.worker}] ${l}`) : (l: string) => console.log(l);
  const hostName = cfg.host === '0.0.0.0' ? 'localhost' : cfg.host;
  const publicBase = cfg.baseUrl ?? env.baseUrl;
  let url = publicBase ?? `http://${hostName}:${cfg.port}`;
  const inst = openInstallation({ dataDir: cfg.dataDir, create: true, baseUrl: url, publicBaseUrl: !!publicBase, masterKeyEnv: env.masterKey });
  if (inst.created) console.log(`已初始化 Initialised ${inst.dataDir} (root CA, issuing CA, TSA, master key).`);
  const platform = await openPlatform({
    installation: inst,
    baseUrl: () => url,
    smsUrl: env.smsUrl,
    smsToken: env.smsToken,
    identityUrl: env.identityUrl,
    identityToken: env.identityToken,
    allowPrivateWebhooks: env.allowPrivateWebhooks,
    font: cjkFontBytes(),
    databaseUrl: env.databaseUrl,
    postgres: env.postgres,
    blobDir: env.blobDir,
  });
  // Processes starting at once against one database seed one at a time (seeding checks what exists).
  const demo = (cfg.demo ?? env.demo) ? await platform.storage.exclusive('demo-seed', async () => {
    const d = await seedDemo({ directory: platform.directory, realName: platform.realName, passwords: platform.passwords });
    await seedDemoExtras(platform, d);
    return d;
  }) : undefined;
  await platform.start();
  // The OA connector calls this server's API over loopback, as its integrator app.
  let loopback = `http://127.0.0.1:${cfg.port}`;
  const oa = oaConfigOf(env.oa, { signet: () => loopback, public: () => url });
  if (oa) platform.oa.configure(oa);
  let shuttingDown = false;
  const readiness = async (): Promise<ReadinessReport> => (shuttingDown ? { ready: false, checks: { process: { ok: false, detail: 'shutting down' } } } : platform.readiness());
  const app = createApp({ installation: inst, platform, baseUrl: publicBase, log: env.quiet ? undefined : logLine, nonces: platform.storage.nonces, readiness });
  const server = await new Promise<Server>((resolve, reject) => {
    const s = createHttpServer(app).listen(cfg.port, cfg.host, () => resolve(s));
    s.once('error', reject);
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : cfg.port;
  if (!publicBase) url = `http://${hostName}:${port}`;
  loopback = `http://${cfg.host === '0.0.0.0' || cfg.host === '::' ? '127.0.0.1' : cfg.host}:${port}`;
  banner(`Signet 签章 is running at ${url}`);
  banner(`  控制台 Console:      ${url}/console`);
  banner(`  验证 Verify a PDF:   ${url}/verify`);
  if (!new WebAssets().manifest()) banner('  网页未构建 Web pages not built: run npm run web:build (npm start does it for you).');
  banner(`  API (OpenAPI):      ${url}/api/v1/openapi.json`);
  banner(`  信任锚 Trust anchor: ${url}/pki/root.pem`);
  if (demo) banner(`  演示登录 Demo login:  ${demo.login.mobile} / ${demo.login.password}  (${demo.enterprise.name})`);
  if (platform.devMessages) banner(`  短信（开发）Dev SMS log: ${platform.devMessages.path}`);
  if (oa?.lark) banner(`  飞书事件 Lark events: ${url}/lark/events`);
  if (oa?.generic) banner(`  OA 回调 OA webhook:  ${url}/oa/webhook`);

  let stopping: Promise<void> | undefined;
  const stop = () => (stopping ??= (async () => {
    shuttingDown = true; // /readyz answers 503 from now on
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await platform.close();
  })());
  return { server, platform, url, stop };
}

/**
 * The composition root: parses configuration once, opens the installation and the platform (storage,
 * directory, identity, workflow, jobs, webhooks), seeds the demo enterprise, builds the app and
 * listens. Nothing else in the server reads process.env.
 */
import type { Server } from 'node:http';
import { seedDemo } from '@signet/core';
import { createApp } from './app.js';
import { openInstallation } from './installation.js';
import { openPlatform, type OpenedPlatform } from './platform.js';
import { cjkFontBytes } from './fonts.js';

/** Server configuration. */
export interface ServerConfig {
  dataDir: string;
  port: number;
  host: string;
  baseUrl?: string;
  /** Seed the demo enterprise and print its login (default true). */
  demo?: boolean;
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
  };
}

/** Opens the installation (initialising it on first run), starts listening and prints the URLs. */
export async function startServer(cfg: ServerConfig): Promise<RunningServer> {
  const env = environment();
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
    font: cjkFontBytes(),
  });
  const demo = (cfg.demo ?? env.demo) ? await seedDemo({ directory: platform.directory, realName: platform.realName, passwords: platform.passwords }) : undefined;
  await platform.start();
  const app = createApp({ installation: inst, platform, baseUrl: publicBase, log: env.quiet ? undefined : (l) => console.log(l) });
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(cfg.port, cfg.host, () => resolve(s));
    s.once('error', reject);
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : cfg.port;
  if (!publicBase) url = `http://${hostName}:${port}`;
  console.log(`Signet 签章 is running at ${url}`);
  console.log(`  控制台 Console:      ${url}/console`);
  console.log(`  验证 Verify a PDF:   ${url}/verify`);
  console.log(`  API (OpenAPI):      ${url}/api/v1/openapi.json`);
  console.log(`  信任锚 Trust anchor: ${url}/pki/root.pem`);
  if (demo) console.log(`  演示登录 Demo login:  ${demo.login.mobile} / ${demo.login.password}  (${demo.enterprise.name})`);
  if (platform.devMessages) console.log(`  短信（开发）Dev SMS log: ${platform.devMessages.path}`);

  let stopping: Promise<void> | undefined;
  const stop = () => (stopping ??= (async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await platform.close();
  })());
  return { server, platform, url, stop };
}

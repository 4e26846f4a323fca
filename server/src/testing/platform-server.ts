/**
 * The acceptance-test harness for the whole server: the real app with the real platform (lowdb
 * records and encrypted blobs in a temporary data directory, the sandbox identity bureau, the dev
 * message log standing in for the SMS gateway), listening on 127.0.0.1 on an ephemeral port.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seedDemo, type DemoSeedResult, type PadesLevel } from '@signet/core';
import { TEST_SCRYPT_PARAMS } from '@signet/core/testing';
import { cjkFontBytes } from '@signet/test-support';
import { createApp } from '../app.js';
import { createHttpServer, type ServerTimeouts } from '../http/server-timeouts.js';
import { openInstallation, type Installation } from '../installation.js';
import { openPlatform, type OpenedPlatform } from '../platform.js';
import { RecordAppCredentialStore, type IssuedAppSecret } from '../auth/app-credential-store.js';
import { signedFetch, type AppCredentials, type SignedFetch } from '../auth/sign-request.js';
import { SessionClient } from './session-client.js';

/** Options of {@link startPlatformServer}. */
export interface PlatformServerOptions {
  /** Seed the demo enterprise (default true). */
  demo?: boolean;
  /** PAdES level (default B-LT, as in production). */
  level?: PadesLevel;
  maxUploadBytes?: number;
  /** Contract-check mode (default true): undeclared responses and error codes fail loudly. */
  checkContract?: boolean;
  /** HTTP server timeouts (default: production's). */
  timeouts?: ServerTimeouts;
}

/** A running server with its platform. */
export interface PlatformServer {
  baseUrl: string;
  dataDir: string;
  installation: Installation;
  platform: OpenedPlatform;
  demo?: DemoSeedResult;
  /** Every request log line (assert that no token or PII reaches them). */
  logs: string[];
  /** A browser-like client with cookie and CSRF token. */
  session(): SessionClient;
  /** A client logged in as the demo admin (13800138000). */
  demoAdmin(): Promise<SessionClient>;
  /** Registers an integrator app for an enterprise (default: the demo enterprise). */
  registerApp(enterpriseId?: string, name?: string): Promise<IssuedAppSecret>;
  signedFetch(credentials: AppCredentials): SignedFetch;
  /** The latest one-time code sent to `mobile` (from the dev message log). */
  lastCode(mobile: string): Promise<string>;
  close(): Promise<void>;
}

/** Starts the whole server for acceptance tests. */
export async function startPlatformServer(opts: PlatformServerOptions = {}): Promise<PlatformServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'signet-platform-'));
  const installation = openInstallation({ dataDir: join(dataDir, 'data'), create: true, baseUrl: 'http://127.0.0.1:1' });
  let baseUrl = 'http://127.0.0.1:1';
  const platform = await openPlatform({ installation, baseUrl: () => baseUrl, font: cjkFontBytes(), scrypt: TEST_SCRYPT_PARAMS, level: opts.level, allowPrivateWebhooks: true });
  const demo = opts.demo === false ? undefined : await seedDemo({ directory: platform.directory, realName: platform.realName, passwords: platform.passwords });
  await platform.start();
  const logs: string[] = [];
  const app = createApp({ installation, platform, log: (l) => logs.push(l), maxUploadBytes: opts.maxUploadBytes, checkContract: opts.checkContract ?? true });
  const server = await new Promise<Server>((resolve, reject) => {
    const s = createHttpServer(app, opts.timeouts).listen(0, '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const apps = new RecordAppCredentialStore(platform.deps.records, installation.masterKey, { clock: installation.clock });
  const session = () => new SessionClient(baseUrl);
  return {
    baseUrl,
    dataDir,
    installation,
    platform,
    demo,
    logs,
    session,
    async demoAdmin() {
      const c = session();
      await c.login(demo!.login.mobile, demo!.login.password);
      return c;
    },
    registerApp: (enterpriseId = demo?.enterprise.id ?? 'ent_test', name = 'test app') => apps.register({ enterpriseId, name }),
    signedFetch: (credentials) => signedFetch(credentials, baseUrl),
    async lastCode(mobile) {
      const code = await platform.devMessages!.latestCode(mobile);
      if (!code) throw new Error(`no code was sent to ${mobile}`);
      return code;
    },
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await platform.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

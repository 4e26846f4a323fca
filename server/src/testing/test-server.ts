/**
 * The server test harness: the real app (`createApp`) with a real installation in a temporary
 * data directory, listening on 127.0.0.1 on an ephemeral port. Acceptance tests drive it over
 * HTTP as integrators and people would: `signedFetch` for integrator requests, `session()` for a
 * browser-like client with cookie and CSRF token.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock, RecordStore } from '@signet/core';
import { InMemoryRecordStore } from '@signet/core/testing';
import { createApp, type AppDeps, type AppServices } from '../app.js';
import { openInstallation, type Installation } from '../installation.js';
import { RecordAppCredentialStore, type IssuedAppSecret } from '../auth/app-credential-store.js';
import type { PersonDirectory } from '../auth/person-directory.js';
import type { SigningLinkResolver } from '../auth/signing-link.js';
import { signedFetch, type AppCredentials, type SignedFetch } from '../auth/sign-request.js';
import type { RouteModule } from '../http/route-registry.js';
import { FakePersonDirectory } from './fake-person-directory.js';
import { InMemorySigningLinks } from './in-memory-signing-links.js';
import { SessionClient } from './session-client.js';

/** Options of {@link startTestServer}; everything has a default. */
export interface TestServerOptions {
  /** Metadata store (default: a fresh InMemoryRecordStore). */
  records?: RecordStore;
  /** Person directory (default: an empty {@link FakePersonDirectory}). */
  directory?: PersonDirectory;
  /** Signing links (default: an empty {@link InMemorySigningLinks}). */
  links?: SigningLinkResolver;
  /** Extra route modules, given the app's services. */
  routes?: (s: AppServices) => readonly RouteModule[];
  /** The app's clock (auth windows, sessions); the installation's CA and TSA keep the system clock. */
  clock?: Clock;
  maxUploadBytes?: number;
  baseUrl?: string;
  sessionTtlSeconds?: number;
  /** Contract-check mode (default true): undeclared responses and error codes fail loudly. */
  checkContract?: boolean;
  /** Reuse an installation (and its data dir) instead of creating one: saves the CA set-up. */
  installation?: Installation;
}

/** A running test server. */
export interface TestServer {
  /** `http://127.0.0.1:<port>`. */
  baseUrl: string;
  /** Stops listening and removes the temporary data directory (when the harness made it). */
  close(): Promise<void>;
  installation: Installation;
  records: RecordStore;
  /** The app's integrator apps. */
  apps: RecordAppCredentialStore;
  /** The directory, when it is the default fake. */
  directory: PersonDirectory;
  /** The signing links, when they are the default in-memory ones. */
  links: SigningLinkResolver;
  /** Every request log line so far (assert that no token or PII reaches them). */
  logs: string[];
  /** Registers an integrator app for `enterpriseId` and returns its credentials. */
  registerApp(enterpriseId?: string, name?: string): Promise<IssuedAppSecret>;
  /** A `fetch` that signs every request with `credentials` (relative URLs resolve against baseUrl). */
  signedFetch(credentials: AppCredentials): SignedFetch;
  /** A new browser-like client (cookie + CSRF token). */
  session(): SessionClient;
}

/** Starts the app on 127.0.0.1 on an ephemeral port. */
export async function startTestServer(opts: TestServerOptions = {}): Promise<TestServer> {
  let dataDir: string | undefined;
  let installation = opts.installation;
  if (!installation) {
    dataDir = mkdtempSync(join(tmpdir(), 'signet-server-'));
    installation = openInstallation({ dataDir: join(dataDir, 'data'), create: true, baseUrl: 'http://127.0.0.1:1' });
  }
  const records = opts.records ?? new InMemoryRecordStore();
  const clock = opts.clock ?? installation.clock;
  const apps = new RecordAppCredentialStore(records, installation.masterKey, { clock });
  const directory = opts.directory ?? new FakePersonDirectory();
  const links = opts.links ?? new InMemorySigningLinks();
  const logs: string[] = [];
  const deps: AppDeps = {
    installation,
    records,
    appCredentials: apps,
    directory,
    links,
    clock,
    log: (l) => logs.push(l),
    maxUploadBytes: opts.maxUploadBytes,
    baseUrl: opts.baseUrl,
    sessionTtlSeconds: opts.sessionTtlSeconds,
    checkContract: opts.checkContract ?? true,
    routes: opts.routes,
  };
  const app = createApp(deps);
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    baseUrl,
    installation,
    records,
    apps,
    directory,
    links,
    logs,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
    registerApp: (enterpriseId = 'ent_test', name = 'test app') => apps.register({ enterpriseId, name }),
    signedFetch: (credentials) => signedFetch(credentials, baseUrl),
    session: () => new SessionClient(baseUrl),
  };
}

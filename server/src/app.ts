/**
 * `createApp(deps)` builds the express app and never listens (STYLE.md: acceptance tests drive the
 * app built here; `main.ts` is the one composition root that listens).
 *
 * Every API route comes from a {@link RouteModule}: a list of `defineRoute` declarations plus the
 * component schemas they use. Wiring a new area of the API is one module file under
 * `http/routes/` and one line in `routeModules` below; the OpenAPI document, validation, auth,
 * limits and the error shape follow from the declarations.
 */
import express from 'express';
import { systemClock, type Clock, type RecordStore } from '@signet/core';
import { InMemoryRecordStore } from '@signet/core/testing';
import type { Installation } from './installation.js';
import type { Platform } from './platform.js';
import type { ReadinessProbe } from './cluster/readiness.js';
import { RecordAppCredentialStore, type AppCredentialStore } from './auth/app-credential-store.js';
import { HmacAuthenticator } from './auth/hmac-authenticator.js';
import { InMemoryNonceStore, type NonceStore } from './auth/nonce-store.js';
import { noPersonDirectory, type PersonDirectory } from './auth/person-directory.js';
import { RequestAuthenticator } from './auth/request-authenticator.js';
import { SessionManager } from './auth/session-manager.js';
import { noSigningLinks, type SigningLinkResolver } from './auth/signing-link.js';
import { errorHandler, notFoundHandler } from './http/error-handler.js';
import { openApiDocument } from './http/openapi.js';
import { requestId } from './http/request-id.js';
import { requestLog } from './http/request-log.js';
import { RouteRegistry, type RouteModule } from './http/route-registry.js';
import { SchemaCompiler } from './http/schema-compiler.js';
import { securityHeaders } from './http/security-headers.js';
import { authRoutes } from './http/routes/auth-routes.js';
import { pageRoutes } from './http/routes/page-routes.js';
import { pkiRoutes } from './http/routes/pki-routes.js';
import { systemRoutes } from './http/routes/system-routes.js';
import { verifyRoutes } from './http/routes/verify-routes.js';
import { fileRoutes } from './http/routes/file-routes.js';
import { meRoutes } from './http/routes/me-routes.js';
import { enterpriseRoutes } from './http/routes/enterprise-routes.js';
import { identityRoutes } from './http/routes/identity-routes.js';
import { sealRoutes } from './http/routes/seal-routes.js';
import { templateRoutes } from './http/routes/template-routes.js';
import { webhookRoutes } from './http/routes/webhook-routes.js';
import { appRoutes } from './http/routes/app-routes.js';
import { devRoutes } from './http/routes/dev-routes.js';
import { addinRoutes } from './http/routes/addin-routes.js';
import { contractRoutes } from './http/routes/contract-routes.js';
import { willingnessRoutes } from './http/routes/willingness-routes.js';
import { linkRoutes } from './http/routes/link-routes.js';
import { oaRoutes } from './http/routes/oa-routes.js';
import { hrRoutes } from './http/routes/hr-routes.js';
import { statsRoutes } from './http/routes/stats-routes.js';

/** What the app needs from the outside. Everything but the installation has a default. */
export interface AppDeps {
  installation: Installation;
  /** Largest accepted upload in bytes (default 50 MB). */
  maxUploadBytes?: number;
  /** Logger for one line per request (PII-free). */
  log?: (line: string) => void;
  /** The public base URL; https makes the session cookie `Secure` and adds HSTS. */
  baseUrl?: string;
  /** Metadata store (apps, sessions). Default: in memory, lost on restart; the server passes its persistent store. */
  records?: RecordStore;
  /** Integrator apps. Default: {@link RecordAppCredentialStore} on `records`, secrets sealed by the master key. */
  appCredentials?: AppCredentialStore;
  /** Seen integrator nonces. Default: in memory (one process). */
  nonces?: NonceStore;
  /** What `/readyz` reports. Default: the platform's `readiness()` when it has one (an opened platform), else ready. */
  readiness?: ReadinessProbe;
  /** Login and actor resolution for people. Default: none (login answers that it is not configured). */
  directory?: PersonDirectory;
  /** Signing-link lookup (the workflow). Default: none (every link token is refused). */
  links?: SigningLinkResolver;
  /** Session lifetime in seconds (default 8 hours). */
  sessionTtlSeconds?: number;
  /** More route modules, mounted after the built-in ones (tests, plugins), built from the app's services. */
  routes?: (s: AppServices) => readonly RouteModule[];
  /** Contract-check mode (tests): undeclared responses and error codes become 500s that say so. */
  checkContract?: boolean;
  clock?: Clock;
  /**
   * Every domain service (directory, identity, workflow, webhooks). When given, `records`,
   * `directory` and `links` default to the platform's.
   */
  platform?: Platform;
}

/** The services route modules are built from. */
export interface AppServices {
  installation: Installation;
  clock: Clock;
  records: RecordStore;
  appCredentials: AppCredentialStore;
  sessions: SessionManager;
  directory: PersonDirectory;
  links: SigningLinkResolver;
  uploadLimitBytes: number;
  /** The domain services, when the app was built with them. */
  platform?: Platform;
  /** What `/readyz` reports. */
  readiness?: ReadinessProbe;
}

/** Builds the services of an app from its deps (the defaults of {@link AppDeps}). */
export function appServices(deps: AppDeps): AppServices {
  const clock = deps.clock ?? deps.installation.clock ?? systemClock;
  const records = deps.records ?? deps.platform?.deps.records ?? new InMemoryRecordStore();
  return {
    installation: deps.installation,
    clock,
    records,
    appCredentials: deps.appCredentials ?? new RecordAppCredentialStore(records, deps.installation.masterKey, { clock }),
    sessions: new SessionManager({ records, clock, ttlSeconds: deps.sessionTtlSeconds, secureCookie: isHttps(deps.baseUrl) }),
    directory: deps.directory ?? deps.platform?.personDirectory ?? noPersonDirectory,
    links: deps.links ?? deps.platform?.signingLinks ?? noSigningLinks,
    uploadLimitBytes: deps.maxUploadBytes ?? 50 * 1024 * 1024,
    platform: deps.platform,
    readiness: deps.readiness ?? readinessOf(deps.platform),
  };
}

/** The `readiness()` of an opened platform, if `p` is one. */
function readinessOf(p: Platform | undefined): ReadinessProbe | undefined {
  const probe = (p as { readiness?: ReadinessProbe } | undefined)?.readiness;
  return typeof probe === 'function' ? () => probe.call(p) : undefined;
}

/** Every route module of the app, built-in ones first. */
export function routeModules(s: AppServices, openApi: () => Record<string, unknown>, extra: readonly RouteModule[] = []): RouteModule[] {
  return [
    systemRoutes(openApi, s.readiness),
    authRoutes(s),
    verifyRoutes(s),
    pkiRoutes(s),
    pageRoutes(),
    fileRoutes(s),
    meRoutes(s),
    enterpriseRoutes(s),
    identityRoutes(s),
    sealRoutes(s),
    templateRoutes(s),
    webhookRoutes(s),
    appRoutes(s),
    devRoutes(s),
    addinRoutes(s),
    contractRoutes(s),
    willingnessRoutes(s),
    linkRoutes(s),
    oaRoutes(s),
    hrRoutes(s),
    statsRoutes(s),
    ...extra,
  ];
}

/** The route registry an app was built with (tests walk it). */
export function routeRegistryOf(app: express.Express): RouteRegistry {
  return app.locals.routeRegistry as RouteRegistry;
}

function isHttps(url: string | undefined): boolean {
  return !!url && url.toLowerCase().startsWith('https:');
}

/** Builds the Signet express app. */
export function createApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  const s = appServices(deps);

  const registry = new RouteRegistry();
  let doc: Record<string, unknown> | undefined;
  for (const m of routeModules(s, () => (doc ??= openApiDocument(registry)), deps.routes?.(s))) registry.add(m);

  app.use(requestId());
  app.use(securityHeaders({ https: isHttps(deps.baseUrl) }));
  if (deps.log) app.use(requestLog(deps.log));

  const authenticator = new RequestAuthenticator({
    hmac: new HmacAuthenticator({ apps: s.appCredentials, nonces: deps.nonces ?? new InMemoryNonceStore(() => s.clock.now().getTime()), clock: s.clock }),
    sessions: s.sessions,
    directory: s.directory,
    links: s.links,
  });
  registry.mount(app, {
    authenticator,
    compiler: new SchemaCompiler(registry.schemas),
    binaryLimitBytes: s.uploadLimitBytes,
    checkContract: deps.checkContract,
  });

  app.locals.routeRegistry = registry;
  app.use(notFoundHandler(registry));
  app.use(errorHandler({ log: deps.log, checkContract: deps.checkContract }));
  return app;
}

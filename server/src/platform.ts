/**
 * The platform: every service of one Signet process, wired once over its adapters. `main.ts` calls
 * {@link openPlatform} with the parsed configuration; tests call {@link createPlatform} with
 * in-memory or temporary adapters. Nothing here reads process.env.
 */
import {
  Directory, LoginService, OtpService, RealNameService, SandboxIdentityProvider, SigningPasswordService, WillingnessService,
  createWorkflow, sealAppearanceFactory, textAnchorLocator, fillTemplate, fillBundle, systemClock, randomIdGenerator,
  type BlobStore, type Clock, type EventPublisher, type FieldCipher, type IdGenerator, type IdentityProvider, type MessageSender,
  type RecordStore, type ScryptParams, type Workflow, type DomainEvent, type PadesLevel, SignetError,
} from '@signet/core';
import type { Installation } from './installation.js';
import { FileSignerKeyStore } from './pki/file-signer-key-store.js';
import { RecordStoreJobQueue } from './jobs/record-store-job-queue.js';
import type { JobQueue } from './jobs/job-queue.js';
import { WebhookService } from './webhooks/webhook-service.js';
import { WebhookEventPublisher } from './webhooks/webhook-event-publisher.js';
import type { PersonDirectory } from './auth/person-directory.js';
import type { SigningLinkResolver } from './auth/signing-link.js';
import { openStorage, type ServerStorage } from './storage/open-storage.js';
import type { PgPoolSettings } from './storage/pg-storage.js';
import { PgBossJobQueue } from './jobs/pg-boss-job-queue.js';
import { runReadinessChecks, type ReadinessReport } from './cluster/readiness.js';
import { ConsoleMessageSender } from './messaging/console-message-sender.js';
import { HttpSmsMessageSender } from './messaging/http-sms-message-sender.js';
import { HttpIdentityProvider } from './identity/http-identity-provider.js';
import { FileService } from './files/file-service.js';
import { OaConnectorHost } from './oa/oa-connector-host.js';
import { HrConnectorHost } from './hr/hr-connector-host.js';

/** The adapters and settings a platform is built from. */
export interface PlatformDeps {
  installation: Installation;
  records: RecordStore;
  blobs: BlobStore;
  cipher: FieldCipher;
  messages: MessageSender;
  /** Real-name checks; default the sandbox provider. */
  identity?: IdentityProvider;
  /** The CJK font drawn with (seals, appearances, templates, evidence pages). */
  font: Uint8Array;
  /** The public base URL (or a function giving it, when known only after listening): signing links are `<baseUrl>/sign/<token>`. */
  baseUrl: string | (() => string);
  clock?: Clock;
  ids?: IdGenerator;
  /** scrypt cost for passwords (tests lower it). */
  scrypt?: ScryptParams;
  /** PAdES level of each signature (default B-LT). */
  level?: PadesLevel;
  /** Job queue (default: the embedded one on `records`). */
  queue?: JobQueue;
  /** Keys kept ready per key kind (default 4). */
  keyPoolTarget?: number;
  /** Let webhooks reach loopback and private networks (default false: SSRF protection). */
  allowPrivateWebhooks?: boolean;
}

/** Every service of the process. */
export interface Platform {
  deps: PlatformDeps;
  clock: Clock;
  keys: FileSignerKeyStore;
  directory: Directory;
  otp: OtpService;
  login: LoginService;
  realName: RealNameService;
  passwords: SigningPasswordService;
  willingness: WillingnessService;
  workflow: Workflow;
  queue: JobQueue;
  webhooks: WebhookService;
  events: EventPublisher;
  /** Uploaded files (`POST /files`): checked PDFs in the BlobStore with tenant-scoped records. */
  files: FileService;
  /** The OA connector's slot (configured by the composition root when OA settings are given). */
  oa: OaConnectorHost;
  /** The HR connector: imports, batches, CoreHR events, follow-ups and expiry reminders (`@signet/connector-hr`). */
  hr: HrConnectorHost;
  /** The directory as the HTTP session layer sees it. */
  personDirectory: PersonDirectory;
  /** Signing links as the HTTP auth layer sees them. */
  signingLinks: SigningLinkResolver;
  /** Starts background work (job queue, expiry sweep, key pool). */
  start(): Promise<void>;
  /** Stops background work, letting in-flight jobs finish. */
  stop(): Promise<void>;
}

/** The platform's public base URL. */
export function baseUrlOf(deps: Pick<PlatformDeps, 'baseUrl'>): string {
  return typeof deps.baseUrl === 'function' ? deps.baseUrl() : deps.baseUrl;
}

/** Publishes each domain event to every publisher; one failing does not stop the others. */
class FanOutPublisher implements EventPublisher {
  readonly subscribers: EventPublisher[] = [];
  async publish(event: DomainEvent): Promise<void> {
    await Promise.allSettled(this.subscribers.map((s) => s.publish(event)));
  }
}

/** Wires every service over `deps`. */
export function createPlatform(deps: PlatformDeps): Platform {
  const clock = deps.clock ?? deps.installation.clock ?? systemClock;
  const ids = deps.ids ?? randomIdGenerator;
  const store = deps.records;
  const events = new FanOutPublisher();
  const provider = deps.identity ?? new SandboxIdentityProvider();
  const keys = new FileSignerKeyStore(deps.installation.pki, { poolTarget: deps.keyPoolTarget });
  const directory = new Directory({ store, cipher: deps.cipher, clock, ids, events, passwordParams: deps.scrypt });
  const otp = new OtpService({ store, sender: deps.messages, cipher: deps.cipher, clock });
  const realName = new RealNameService({ directory, provider, otp, blobs: deps.blobs, events });
  const passwords = new SigningPasswordService({ directory, otp, params: deps.scrypt });
  const willingness = new WillingnessService({ directory, otp, passwords, provider });
  const login = new LoginService({ directory, otp, passwordParams: deps.scrypt });
  const workflow = createWorkflow({
    store,
    clock,
    ids,
    blobs: deps.blobs,
    events,
    messages: deps.messages,
    keys,
    subjects: realName,
    willingness,
    timestamper: deps.installation.timestamper,
    validationData: deps.installation.validationData,
    level: deps.level,
    appearanceFor: sealAppearanceFactory({ font: deps.font }),
    filler: { fillTemplate, fillBundle },
    anchors: textAnchorLocator,
    font: deps.font,
    signingUrl: (token) => `${baseUrlOf(deps).replace(/\/$/, '')}/sign/${token}`,
    groupControl: { isAncestor: (hq, sub) => directory.isAncestor(hq, sub) },
  });
  const queue = deps.queue ?? new RecordStoreJobQueue({ store, clock, ids });
  const webhooks = new WebhookService({ store, queue, cipher: deps.cipher, clock, ids, allowPrivateNetworks: deps.allowPrivateWebhooks });
  events.subscribers.push(new WebhookEventPublisher(webhooks));
  const files = new FileService({ store, blobs: deps.blobs, clock, ids, contractTenant: async (id) => (await workflow.collections.contracts.get(id))?.tenant });
  const oa = new OaConnectorHost({ records: store, queue, clock });
  events.subscribers.push(oa);
  const hr = new HrConnectorHost({ records: store, queue, clock, ids, blobs: deps.blobs, cipher: deps.cipher, messages: deps.messages, workflow, directory, baseUrl: () => baseUrlOf(deps) });
  events.subscribers.push(hr);

  const personDirectory: PersonDirectory = {
    loginWithPassword: (mobile, password) => login.loginWithPassword(mobile, password),
    sendLoginOtp: (mobile) => login.sendLoginOtp(mobile),
    loginWithOtp: (mobile, code) => login.loginWithOtp(mobile, code),
    actorFor: (userId, enterpriseId) => login.actorFor(userId, enterpriseId),
  };
  const signingLinks: SigningLinkResolver = {
    async resolve(tokenHash) {
      const link = await workflow.collections.links.getBy('token', tokenHash);
      if (!link) return undefined;
      // Expired and revoked links stop here. A used link still opens its contract's status and the
      // completed PDF; the workflow refuses it (LINK_USED) for anything that acts.
      workflow.contracts.checkLink(link, { allowUsed: true });
      return { kind: 'link', contractId: link.contractId, signerId: link.signerId, linkId: link.id };
    },
  };

  let sweep: NodeJS.Timeout | undefined;
  return {
    deps, clock, keys, directory, otp, login, realName, passwords, willingness, workflow, queue, webhooks, events, files, oa, hr, personDirectory, signingLinks,
    async start() {
      void keys.warm();
      await webhooks.recoverPending();
      await queue.start();
      await hr.start();
      // Deadlines and half-applied invalidations are settled once a minute.
      sweep = setInterval(() => void workflow.contracts.runDueJobs().catch(() => undefined), 60_000);
      sweep.unref();
    },
    async stop() {
      if (sweep) clearInterval(sweep);
      await queue.stop({ graceMs: 10_000 });
    },
  };
}

/** Throws a clear error when the platform was asked for before it was wired (route modules in tests). */
export function requirePlatform(p: Platform | undefined): Platform {
  if (!p) throw new SignetError('INTERNAL', 'This route needs the platform services; pass `platform` to createApp.');
  return p;
}

/** Configuration of {@link openPlatform}, parsed once by the composition root. */
export interface PlatformConfig {
  installation: Installation;
  baseUrl: string | (() => string);
  /** An HTTP SMS gateway; without it, messages go to the dev message log under the data directory. */
  smsUrl?: string;
  smsToken?: string;
  /** An HTTP identity bureau; without it, the deterministic sandbox. */
  identityUrl?: string;
  identityToken?: string;
  /** CJK font bytes (the server reads them once from npm). */
  font: Uint8Array;
  scrypt?: ScryptParams;
  level?: PadesLevel;
  /** PostgreSQL (DATABASE_URL) instead of the embedded store: records, blobs, nonces and the job queue (pg-boss). */
  databaseUrl?: string;
  /** Pool size and timeouts for PostgreSQL. */
  postgres?: PgPoolSettings;
  /** With PostgreSQL: keep blobs as encrypted files in this shared directory (SIGNET_BLOB_DIR) instead of in the database. */
  blobDir?: string;
  /** Let webhooks reach loopback and private networks. */
  allowPrivateWebhooks?: boolean;
}

/** A platform with its storage, opened from the installation's data directory. */
export interface OpenedPlatform extends Platform {
  /** The dev message log, when no SMS gateway is configured. */
  devMessages?: ConsoleMessageSender;
  /** The storage the platform runs on (embedded or PostgreSQL). */
  storage: ServerStorage;
  /** Ready for traffic: storage reachable and migrated, started, not stopping (for `/readyz`). */
  readiness(): Promise<ReadinessReport>;
  /** Stops background work and closes the storage. */
  close(): Promise<void>;
}

/**
 * Opens storage (lowdb records and encrypted blob files, or PostgreSQL when `databaseUrl` is set;
 * SM4 field cipher) and wires the platform over it. With PostgreSQL the job queue is pg-boss.
 */
export async function openPlatform(cfg: PlatformConfig): Promise<OpenedPlatform> {
  const inst = cfg.installation;
  const storage = await openStorage({ dataDir: inst.dataDir, masterKey: inst.masterKey, databaseUrl: cfg.databaseUrl, postgres: cfg.postgres, blobDir: cfg.blobDir });
  const queue = storage.pool ? new PgBossJobQueue({ pool: storage.pool }) : undefined;
  const devMessages = cfg.smsUrl ? undefined : new ConsoleMessageSender({ dataDir: inst.dataDir, clock: inst.clock });
  const messages: MessageSender = cfg.smsUrl ? new HttpSmsMessageSender(cfg.smsUrl, { token: cfg.smsToken }) : devMessages!;
  const identity = cfg.identityUrl ? new HttpIdentityProvider(cfg.identityUrl, { token: cfg.identityToken }) : undefined;
  const platform = createPlatform({
    installation: inst, records: storage.records, blobs: storage.blobs, cipher: storage.cipher, messages, identity,
    font: cfg.font, baseUrl: cfg.baseUrl, scrypt: cfg.scrypt, level: cfg.level, allowPrivateWebhooks: cfg.allowPrivateWebhooks, queue,
  });
  let phase: 'opened' | 'started' | 'stopping' = 'opened';
  return {
    ...platform,
    devMessages,
    storage,
    async start() {
      await platform.start();
      phase = 'started';
    },
    async stop() {
      phase = 'stopping';
      await platform.stop();
    },
    readiness: () => runReadinessChecks({
      storage: () => storage.check(),
      platform: () => ({ ok: phase === 'started', detail: phase }),
    }),
    async close() {
      phase = 'stopping';
      await platform.stop();
      await storage.close();
    },
  };
}

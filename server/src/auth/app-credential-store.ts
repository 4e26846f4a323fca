/**
 * Integrator apps (appId + secret) and how their secrets are kept.
 *
 * **Encrypted, not hashed.** An HMAC can only be checked by recomputing it with the secret itself,
 * so a one-way hash of the secret cannot verify a signature (and a hash used as the key would just
 * be the secret under another name). Each secret is therefore sealed with AES-256-GCM under the
 * installation's master key, with the appId as additional authenticated data: a copy of the
 * metadata store alone reveals no secret, and a sealed secret cannot be moved to another app.
 * The secret is shown once, when the app is registered or its secret rotated.
 */
import { randomBytes } from 'node:crypto';
import {
  SignetError, randomIdGenerator, systemClock, type Clock, type Collection, type IdGenerator, type RecordStore, type StoredRecord,
} from '@signet/core';

/** Seals and opens small secrets; the server's `MasterKey` is one. */
export interface SecretSealer {
  /** Encrypts `plain`, binding it to `aad`. */
  seal(plain: Uint8Array, aad?: string): Uint8Array;
  /** Decrypts what {@link seal} produced for the same `aad`; throws on tampering. */
  open(sealed: Uint8Array, aad?: string): Uint8Array;
}

/** An app as the verifier needs it. */
export interface AppKey {
  appId: string;
  enterpriseId: string;
  /** The HMAC key: the UTF-8 bytes of the secret. */
  key: Uint8Array;
}

/** Looks up integrator apps for the signature verifier. */
export interface AppCredentialStore {
  /** The active app with this id and its HMAC key, or undefined when unknown or disabled. */
  lookup(appId: string): Promise<AppKey | undefined>;
}

/** An app as stored: the secret is sealed, never in clear. */
export interface AppRecord extends StoredRecord {
  enterpriseId: string;
  name: string;
  /** base64 of the sealed secret (AES-256-GCM under the master key, aad = `signet:app-secret:<appId>`). */
  sealedSecret: string;
  status: 'active' | 'disabled';
  createdAt: string;
}

/** An app's public description (no secret). */
export interface AppInfo {
  appId: string;
  enterpriseId: string;
  name: string;
  status: 'active' | 'disabled';
  createdAt: string;
}

/** What registration or rotation returns: the only time the secret is shown. */
export interface IssuedAppSecret extends AppInfo {
  secret: string;
}

const aadOf = (appId: string) => `signet:app-secret:${appId}`;
const infoOf = (r: AppRecord): AppInfo => ({ appId: r.id, enterpriseId: r.enterpriseId, name: r.name, status: r.status, createdAt: r.createdAt });

/** Integrator apps on a {@link RecordStore} collection `auth_apps`, secrets sealed by a {@link SecretSealer}. */
export class RecordAppCredentialStore implements AppCredentialStore {
  private readonly apps: Collection<AppRecord>;
  /** Opened keys by appId, valid for one record version: the hot path decrypts once per version. */
  private readonly opened = new Map<string, { version: number; key: Uint8Array }>();
  private readonly ids: IdGenerator;
  private readonly clock: Clock;

  constructor(records: RecordStore, private readonly sealer: SecretSealer, opts: { ids?: IdGenerator; clock?: Clock } = {}) {
    this.apps = records.collection<AppRecord>({ name: 'auth_apps', indexes: { enterprise: (r) => r.enterpriseId } });
    this.ids = opts.ids ?? randomIdGenerator;
    this.clock = opts.clock ?? systemClock;
  }

  /** Registers a new app for an enterprise and returns its appId and secret (shown only now). */
  async register(input: { enterpriseId: string; name: string }): Promise<IssuedAppSecret> {
    if (!input.enterpriseId) throw new SignetError('INVALID_ARGUMENT', 'An app needs the enterpriseId it acts for');
    const appId = this.ids.next('app');
    const secret = newSecret();
    const rec = await this.apps.insert({
      id: appId,
      enterpriseId: input.enterpriseId,
      name: input.name,
      sealedSecret: Buffer.from(this.sealer.seal(Buffer.from(secret, 'utf8'), aadOf(appId))).toString('base64'),
      status: 'active',
      createdAt: this.clock.now().toISOString(),
    });
    return { ...infoOf(rec), secret };
  }

  /** Replaces the app's secret; the old one stops working at once. Returns the new secret. */
  async rotateSecret(appId: string): Promise<IssuedAppSecret> {
    const cur = await this.require(appId);
    const secret = newSecret();
    const rec = await this.apps.update({ ...cur, sealedSecret: Buffer.from(this.sealer.seal(Buffer.from(secret, 'utf8'), aadOf(appId))).toString('base64') }, cur.version);
    return { ...infoOf(rec), secret };
  }

  /** Disables or re-enables the app. A disabled app's requests get AUTH_APP_UNKNOWN. */
  async setStatus(appId: string, status: 'active' | 'disabled'): Promise<AppInfo> {
    const cur = await this.require(appId);
    return infoOf(await this.apps.update({ ...cur, status }, cur.version));
  }

  /** The enterprise's apps, without secrets. */
  async list(enterpriseId: string): Promise<AppInfo[]> {
    return (await this.apps.find('enterprise', enterpriseId)).map(infoOf);
  }

  async lookup(appId: string): Promise<AppKey | undefined> {
    const rec = await this.apps.get(appId);
    if (!rec || rec.status !== 'active') return undefined;
    let opened = this.opened.get(appId);
    if (!opened || opened.version !== rec.version) {
      opened = { version: rec.version, key: this.sealer.open(Buffer.from(rec.sealedSecret, 'base64'), aadOf(appId)) };
      this.opened.set(appId, opened);
    }
    return { appId, enterpriseId: rec.enterpriseId, key: opened.key };
  }

  private async require(appId: string): Promise<AppRecord> {
    const cur = await this.apps.get(appId);
    if (!cur) throw new SignetError('NOT_FOUND', `No app ${appId}; check the appId`);
    return cur;
  }
}

/** A new app secret: `sk_` and 32 random bytes in base64url. */
function newSecret(): string {
  return `sk_${randomBytes(32).toString('base64url')}`;
}

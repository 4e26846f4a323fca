/**
 * Integrator apps (appId + secret) as an enterprise manages them: register, list, disable or
 * re-enable, rotate the secret. The secrets themselves are kept by {@link RecordAppCredentialStore}
 * (sealed by the master key, shown once); this service adds the permission check (`app.manage`:
 * super and system admins, or Signet itself from the CLI), the tenant check (another enterprise's
 * app is NOT_FOUND) and an event in the enterprise's audit chain for every change.
 */
import { SignetError, assertCan, retryOnConflict, type Actor, type Directory } from '@signet/core';
import type { AppInfo, IssuedAppSecret, RecordAppCredentialStore } from '../auth/app-credential-store.js';

/** What {@link AppService} needs. */
export interface AppServiceDeps {
  credentials: RecordAppCredentialStore;
  directory: Directory;
}

/** A change of an app: disable or enable it, rotate its secret. */
export interface AppChange {
  status?: 'active' | 'disabled';
  rotateSecret?: boolean;
}

/** Integrator apps of enterprises, with permission checks and audit events. */
export class AppService {
  /** An app service over the credential store and the directory. */
  constructor(private readonly deps: AppServiceDeps) {}

  /** Registers an app for `enterpriseId` and returns its appId and secret (shown only now). Throws NOT_FOUND, FORBIDDEN. */
  async register(actor: Actor, input: { enterpriseId: string; name: string }): Promise<IssuedAppSecret> {
    assertCan(actor, 'app.manage', { enterpriseId: input.enterpriseId });
    await this.deps.directory.enterpriseRecord(input.enterpriseId);
    const name = input.name.trim();
    if (!name || [...name].length > 100) throw new SignetError('INVALID_ARGUMENT', '应用名称须为 1 到 100 个字。Give the app a name of 1 to 100 characters.');
    const issued = await this.deps.credentials.register({ enterpriseId: input.enterpriseId, name });
    await this.audit(input.enterpriseId, 'app.created', actor, { appId: issued.appId, name });
    return issued;
  }

  /** The enterprise's apps, without secrets. Throws NOT_FOUND, FORBIDDEN. */
  async list(actor: Actor, enterpriseId: string): Promise<AppInfo[]> {
    assertCan(actor, 'app.manage', { enterpriseId });
    return this.deps.credentials.list(enterpriseId);
  }

  /**
   * Disables or re-enables an app, and/or rotates its secret (the old one stops working at once).
   * Returns the app, with the new secret when it was rotated. Throws NOT_FOUND for another
   * enterprise's app, FORBIDDEN without `app.manage`.
   */
  async update(actor: Actor, appId: string, change: AppChange): Promise<AppInfo | IssuedAppSecret> {
    const app = await this.findOwn(actor, appId);
    assertCan(actor, 'app.manage', { enterpriseId: app.enterpriseId });
    if (change.status === undefined && !change.rotateSecret) throw new SignetError('INVALID_ARGUMENT', '请给出 status 或 rotateSecret。Give status (active or disabled) or rotateSecret: true.');
    let out: AppInfo | IssuedAppSecret = app;
    if (change.status !== undefined && change.status !== app.status) {
      out = await this.deps.credentials.setStatus(appId, change.status);
      await this.audit(app.enterpriseId, change.status === 'disabled' ? 'app.disabled' : 'app.enabled', actor, { appId });
    }
    if (change.rotateSecret) {
      out = await this.deps.credentials.rotateSecret(appId);
      await this.audit(app.enterpriseId, 'app.secret_rotated', actor, { appId });
    }
    return out;
  }

  /** The app when it belongs to the actor's enterprise; NOT_FOUND otherwise. */
  private async findOwn(actor: Actor, appId: string): Promise<AppInfo> {
    const tenant = actor.kind === 'member' || actor.kind === 'app' ? actor.enterpriseId : undefined;
    const app = tenant ? (await this.deps.credentials.list(tenant)).find((a) => a.appId === appId) : undefined;
    if (!app) throw new SignetError('NOT_FOUND', `应用 ${appId} 不存在。No app ${appId} in your enterprise; check the appId.`);
    return app;
  }

  private async audit(enterpriseId: string, type: string, actor: Actor, data: Record<string, unknown>): Promise<void> {
    const dir = this.deps.directory;
    await retryOnConflict(async () => {
      await dir.store.transact([await dir.audit.append(enterpriseId, type, actor, dir.clock.now(), data)]);
    });
  }
}

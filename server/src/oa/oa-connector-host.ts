/**
 * Where the OA connector (`@signet/connector-oa`) lives inside a Signet server. The platform holds
 * one host; the composition root configures it once (`main.ts`, from the environment), and the OA
 * routes (`http/routes/oa-routes.ts`) and the domain events reach the connector through it.
 *
 * Mounted, the connector runs on the server's own ports: its requests and events are records in
 * the server's store, its jobs run on the server's durable job queue, and contract completions
 * reach it in-process as domain events (no webhook subscription needed). It still calls the
 * Signet API over HTTP, as its integrator app, like any connector: the server checks the seal
 * authorization and keeps the ledger.
 */
import { SignetError, type Clock, type DomainEvent, type EventPublisher, type RecordStore } from '@signet/core';
import { createOaConnector, type BuiltOaConnector, type OaConnectorConfig, type OaLogger } from '@signet/connector-oa';
import type { JobQueue } from '../jobs/job-queue.js';

/** What the host is built from (the platform's adapters). */
export interface OaConnectorHostDeps {
  records: RecordStore;
  queue: JobQueue;
  clock: Clock;
  log?: OaLogger;
  /** Overrides for tests (the Lark API, fetch). */
  fetch?: typeof fetch;
}

/** The connector's configuration when mounted: the server's own URLs come from the composition root. */
export type MountedOaConfig = OaConnectorConfig;

/** The platform's slot for the OA connector. */
export class OaConnectorHost implements EventPublisher {
  private built?: BuiltOaConnector;

  constructor(private readonly deps: OaConnectorHostDeps) {}

  /** Builds and mounts the connector (once per process and store). */
  configure(config: MountedOaConfig): BuiltOaConnector {
    if (this.built) throw new SignetError('INVALID_ARGUMENT', 'The OA connector is already configured in this process.');
    this.built = createOaConnector(config, { records: this.deps.records, queue: this.deps.queue, clock: this.deps.clock, log: this.deps.log, fetch: this.deps.fetch });
    return this.built;
  }

  /** The mounted connector, if configured. */
  get active(): BuiltOaConnector | undefined {
    return this.built;
  }

  /** The mounted connector; NOT_FOUND (with what to configure) when there is none. */
  require(): BuiltOaConnector {
    if (!this.built) {
      throw new SignetError('NOT_FOUND', '此服务器未启用 OA 连接器。The OA connector is not enabled on this server: set SIGNET_OA_APP_ID and SIGNET_OA_APP_SECRET (and the SIGNET_OA_LARK_* or SIGNET_OA_WEBHOOK_SECRET settings) and restart.');
    }
    return this.built;
  }

  /** Domain events: a contract made for an OA request completed, was rejected, expired or revoked. */
  async publish(event: DomainEvent): Promise<void> {
    if (!this.built || !event.type.startsWith('contract.')) return;
    await this.built.connector.onSignetEvent(event.type, event.subject);
  }
}

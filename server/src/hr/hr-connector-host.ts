/**
 * Where the HR connector (`@signet/connector-hr`) lives inside a Signet server: one host per
 * platform, built by `createPlatform`. Mounted, the connector launches in process (no HTTP round
 * trip per contract) through {@link WorkflowHrPort}, keeps its batches and launches in the
 * server's store, runs imports, follow-ups and the daily expiry reminders as durable jobs, and
 * hears contract events in process.
 */
import {
  type BlobStore, type Clock, type Directory, type DomainEvent, type EventPublisher, type FieldCipher, type IdGenerator, type MessageSender, type RecordStore, type Workflow,
} from '@signet/core';
import { HR_JOBS, HrService, WorkflowHrPort, type CoreHrClient, type CoreHrClientOptions } from '@signet/connector-hr';
import type { JobQueue } from '../jobs/job-queue.js';

/** What the host is built from (the platform's services). */
export interface HrConnectorHostDeps {
  records: RecordStore;
  queue: JobQueue;
  clock: Clock;
  ids?: IdGenerator;
  blobs: BlobStore;
  cipher: FieldCipher;
  messages: MessageSender;
  workflow: Workflow;
  directory: Directory;
  /** The public base URL, for the document links written back to CoreHR. */
  baseUrl: () => string;
  /** Overrides the CoreHR client (tests point it at a fake; by default the SDK's `domain` comes from the link). */
  corehrClient?: (opts: CoreHrClientOptions) => CoreHrClient;
}

const DAY = 86_400_000;

/** The platform's HR connector. */
export class HrConnectorHost implements EventPublisher {
  /** The connector's service. */
  readonly service: HrService;
  private readonly ports = new Map<string, WorkflowHrPort>();

  constructor(private readonly deps: HrConnectorHostDeps) {
    this.service = new HrService({
      store: deps.records,
      clock: deps.clock,
      ids: deps.ids,
      blobs: deps.blobs,
      cipher: deps.cipher,
      messages: deps.messages,
      portFor: (tenant) => this.portFor(tenant),
      enqueue: (type, payload, opts) => deps.queue.enqueue(type, payload, { ...opts, leaseMs: 120_000, maxAttempts: type === HR_JOBS.followUp ? 8 : 3, backoffMs: 5_000 }),
      corehrClient: deps.corehrClient,
    });
    deps.queue.register<{ tenant: string; batchId: string }>(HR_JOBS.import, async (p) => {
      await this.service.runQueued(p.tenant, p.batchId);
    });
    deps.queue.register<{ tenant: string; contractId: string }>(HR_JOBS.followUp, async (p) => {
      const l = await this.service.followUp(p.tenant, p.contractId);
      // A failed write-back is retried by the queue with backoff.
      if (l?.corehr?.lastError && !l.corehr.writtenAt && l.corehr.employmentId) throw new Error(l.corehr.lastError);
    });
    deps.queue.register<{ day: string }>(HR_JOBS.reminders, async () => {
      await this.service.remindExpiring();
      await this.scheduleReminders(1);
    });
  }

  /** The in-process port of a tenant (one per tenant, so that bundles are read once). */
  portFor(tenant: string): WorkflowHrPort {
    let p = this.ports.get(tenant);
    if (!p) {
      p = new WorkflowHrPort({ workflow: this.deps.workflow, directory: this.deps.directory, tenant, baseUrl: this.deps.baseUrl() });
      this.ports.set(tenant, p);
    }
    return p;
  }

  /** Queues the reminder run of today (or `inDays` days on), at 09:00 China time; the same day is queued once. */
  async scheduleReminders(inDays = 0): Promise<void> {
    const now = this.deps.clock.now().getTime();
    const day = new Date(now + 8 * 3600_000 + inDays * DAY).toISOString().slice(0, 10);
    const runAt = new Date(Math.max(now, Date.parse(`${day}T09:00:00+08:00`)));
    await this.deps.queue.enqueue(HR_JOBS.reminders, { day }, { idempotencyKey: day, runAt });
  }

  /** Starts the daily reminders (called when the platform starts). */
  async start(): Promise<void> {
    await this.scheduleReminders(0);
  }

  /** Contract events of the connector's launches (the seal after the employee, write-back). */
  async publish(event: DomainEvent): Promise<void> {
    await this.service.onDomainEvent(event);
  }
}

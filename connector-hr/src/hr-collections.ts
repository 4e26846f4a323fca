/**
 * The HR connector's records on the RecordStore port: import batches (the console's batch view) and
 * launches, one per employee × bundle × period, which follow the contract's status for export,
 * write-back and reminders. Launch ids are derived from the bizNo, so a re-run finds them.
 */
import { createHash } from 'node:crypto';
import type { Collection, ContractState, RecordStore, SignerState, StoredRecord } from '@signet/core';
import type { RowProblem } from './employee-file.js';
import type { CoreHrWriteBack, HrMapping, SealPolicy } from './hr-mapping.js';

/** What a batch counts. */
export interface BatchCounts {
  /** Contracts created by this batch. */
  created: number;
  /** Employees whose signing link went out (SMS accepted) in this batch. */
  sent: number;
  /** Company seals stamped in this batch. */
  stamped: number;
  /** Rows that could not be launched (bad data, or a launch that failed). */
  failed: number;
  /** Rows launched before (by an earlier run): nothing to do. */
  skipped: number;
}

/** An import batch. */
export interface HrBatchRecord extends StoredRecord {
  tenant: string;
  mapping: { name: string; bundleId: string; seal: SealPolicy; id?: string };
  period?: string;
  source: { kind: 'csv' | 'json' | 'corehr'; name?: string; sha256?: string; encoding?: string; rows: number };
  /** Who imported (user id, app id or `corehr`). */
  createdBy: string;
  createdAt: string;
  state: 'queued' | 'running' | 'done' | 'failed';
  startedAt?: string;
  finishedAt?: string;
  /** Updated while running: a running batch whose heartbeat is old was interrupted (the process died). */
  heartbeatAt?: string;
  /** Rows processed so far (launched, skipped or failed). */
  done: number;
  counts: BatchCounts;
  /** The first problems (row, line, column, why); `problemCount` says how many there were in all. */
  problems: RowProblem[];
  problemCount: number;
  notices: string[];
  /** Why the whole batch failed, when it did. */
  error?: string;
  /** The uploaded file in the BlobStore (API imports run as a job). */
  fileBlob?: string;
  /** The mapping as it was when the batch was made (API imports run as a job). */
  mappingDoc?: HrMapping;
  /** Per-1000 throughput while running, for the console. */
  ratePerSecond?: number;
}

/** What follow-ups of a launch need from its mapping, kept with the launch (a CLI mapping is a file the server never sees). */
export interface LaunchPolicy {
  seal: SealPolicy;
  roles: { company: string; employee: string };
  /** Days before expiry on which reminders go out. */
  reminders: number[];
  /** Who gets them (HR mobiles or e-mails). */
  notify?: string[];
  corehr?: CoreHrWriteBack;
}

/** One launch: employee × bundle × period, and the contract that carries it. */
export interface HrLaunchRecord extends StoredRecord {
  tenant: string;
  bizNo: string;
  bundleId: string;
  period: string;
  employeeKey: string;
  employeeName: string;
  mobileMasked: string;
  entity: string;
  policy: LaunchPolicy;
  source: 'csv' | 'json' | 'corehr';
  contractId?: string;
  state: ContractState | 'failed';
  employeeState?: SignerState;
  companyState?: SignerState;
  /** The batches that touched it (the last 10). */
  batchIds: string[];
  /** The file row of the latest batch. */
  row?: number;
  createdAt: string;
  updatedAt: string;
  completedAt?: string;
  endReason?: string;
  /** The contract's expiry, `YYYY-MM-DD`. */
  expiresAt?: string;
  /** Reminder offsets (days before expiry) already sent. */
  reminded: number[];
  /** The last launch error, when a launch failed. */
  error?: string;
  /** CoreHR ids and the write-back outcome. */
  corehr?: {
    employmentId?: string;
    personId?: string;
    companyId?: string;
    preHireId?: string;
    /** The contract record written back. */
    contractRecordId?: string;
    writtenAt?: string;
    lastError?: string;
  };
  /** Contract number and dates from the variables, for the write-back. */
  terms?: { contractNo?: string; startDate?: string; endDate?: string };
}

/** A stored mapping (the API object of `POST /hr/mappings`). */
export interface HrMappingRecord extends StoredRecord {
  tenant: string;
  mapping: HrMapping;
  createdAt: string;
  createdBy: string;
}

/** An enterprise's Lark CoreHR link: its app, the mapping its onboarding events launch, secrets sealed by the FieldCipher. */
export interface HrCoreHrRecord extends StoredRecord {
  tenant: string;
  mappingId: string;
  larkAppId: string;
  larkAppSecret: string;
  encryptKey?: string;
  verificationToken: string;
  /** Default `https://open.feishu.cn`. */
  domain?: string;
  createdAt: string;
  updatedAt: string;
}

/** An upstream event already handled (Lark delivers events at least once). */
export interface HrEventRecord extends StoredRecord {
  tenant: string;
  type: string;
  at: string;
}

/** The connector's collections. */
export interface HrCollections {
  batches: Collection<HrBatchRecord>;
  launches: Collection<HrLaunchRecord>;
  mappings: Collection<HrMappingRecord>;
  corehr: Collection<HrCoreHrRecord>;
  events: Collection<HrEventRecord>;
}

const NUL = '\u0000';
const opened = new WeakMap<RecordStore, HrCollections>();

/** Opens (once per store) the connector's collections. */
export function hrCollections(store: RecordStore): HrCollections {
  const hit = opened.get(store);
  if (hit) return hit;
  const c: HrCollections = {
    batches: store.collection<HrBatchRecord>({ name: 'hr_batches', indexes: { tenant: (r) => r.tenant, state: (r) => r.state } }),
    launches: store.collection<HrLaunchRecord>({
      name: 'hr_launches',
      unique: { bizNo: (r) => `${r.tenant}${NUL}${r.bizNo}` },
      indexes: {
        tenant: (r) => r.tenant,
        batch: (r) => r.batchIds,
        contract: (r) => r.contractId,
        // Completed contracts with an expiry, for the reminder job.
        expiring: (r) => (r.expiresAt && r.state === 'completed' ? 'yes' : undefined),
        // Launches whose company seal is still due after the employee signed, or whose write-back is due.
        followUp: (r) => (r.state === 'signing' || (r.state === 'completed' && r.source === 'corehr' && !r.corehr?.writtenAt) ? 'yes' : undefined),
      },
    }),
    mappings: store.collection<HrMappingRecord>({ name: 'hr_mappings', indexes: { tenant: (r) => r.tenant } }),
    corehr: store.collection<HrCoreHrRecord>({ name: 'hr_corehr', unique: { tenant: (r) => r.tenant } }),
    events: store.collection<HrEventRecord>({ name: 'hr_events' }),
  };
  opened.set(store, c);
  return c;
}

/** The launch record id of a bizNo in a tenant. */
export function launchIdOf(tenant: string, bizNo: string): string {
  return `hrl_${createHash('sha256').update(`${tenant}${NUL}${bizNo}`).digest('hex').slice(0, 32)}`;
}

/**
 * The HR connector's service: imports (a file and a mapping → a batch of launches, each exactly
 * once per employee × bundle × period), the batch view, the status export, follow-ups on contract
 * events (the company seal after the employee signed, write-back to CoreHR), expiry reminders, and
 * Lark CoreHR onboarding events. It only translates: contracts, seals and signing are the
 * platform's, reached through {@link HrSignetPort}.
 */
import { createHash } from 'node:crypto';
import {
  SignetError, isSignetError, maskMobile, randomIdGenerator, systemClock,
  type BlobStore, type Clock, type DomainEvent, type FieldCipher, type IdGenerator, type MessageSender, type RecordStore,
} from '@signet/core';
import { readEmployeeFile, type EmployeeFile, type EmployeeRecord, type RowProblem } from './employee-file.js';
import { prepareLaunch, type EmployeeLaunch, type LaunchPlan } from './employee-launch.js';
import {
  hrCollections, launchIdOf,
  type BatchCounts, type HrBatchRecord, type HrCollections, type HrCoreHrRecord, type HrLaunchRecord, type HrMappingRecord, type LaunchPolicy,
} from './hr-collections.js';
import { checkMappingAgainstBundle, mappingInvalid, missingColumns, parseHrMapping, rolesOf, type HrMapping } from './hr-mapping.js';
import type { ContractSummary, HrSignetPort } from './hr-signet-port.js';
import { advanceLaunch, launchEmployee, partiesOf, type LaunchOutcome } from './launch-employee.js';
import { CoreHrClient, type CoreHrClientOptions, type CoreHrEmployeeFields } from './corehr/corehr-client.js';
import { dispatchCoreHrCallback, type CoreHrCallbackResult, type CoreHrEvent } from './corehr/corehr-events.js';
import { HR_APP_ID } from './workflow-hr-port.js';

/** The job types the service asks its queue to run (the server registers them). */
export const HR_JOBS = { import: 'hr.import', followUp: 'hr.follow-up', reminders: 'hr.reminders' } as const;

/** What {@link HrService} needs. */
export interface HrServiceDeps {
  store: RecordStore;
  /** The port a tenant's launches go through. */
  portFor(tenant: string): HrSignetPort;
  clock?: Clock;
  ids?: IdGenerator;
  /** Uploaded files of API imports (run as jobs). */
  blobs?: BlobStore;
  /** Seals CoreHR secrets at rest. */
  cipher?: FieldCipher;
  /** Expiry reminders. */
  messages?: MessageSender;
  /** Background jobs (server); without it, follow-ups run at once and imports in the caller. */
  enqueue?: (type: string, payload: unknown, opts?: { idempotencyKey?: string }) => Promise<unknown>;
  /** Makes the CoreHR client of a link (default: the SDK client). */
  corehrClient?: (opts: CoreHrClientOptions) => CoreHrClient;
}

/** Progress of a running import. */
export interface ImportProgress {
  batchId: string;
  /** Rows in the file (good and bad). */
  total: number;
  /** Rows done (launched, skipped or failed). */
  done: number;
  counts: BatchCounts;
  elapsedMs: number;
  /** Rows a second so far. */
  ratePerSecond: number;
  /** Seconds left at that rate. */
  etaSeconds?: number;
}

/** One import. */
export interface ImportRequest {
  tenant: string;
  /** Who imports: a user id, an app id, or `cli`. */
  createdBy: string;
  mapping: HrMapping | unknown;
  /** The stored mapping, when the mapping came from `POST /hr/mappings`. */
  mappingId?: string;
  file: Uint8Array;
  fileName?: string;
  format?: 'csv' | 'json';
  /** Overrides the mapping's period. */
  period?: string;
}

/** Options of {@link HrService.importFile}. */
export interface ImportOptions {
  /** Launches in flight at once (default 8: enough to overlap the store's fsyncs on one core). */
  concurrency?: number;
  onProgress?: (p: ImportProgress) => void;
  /** Called with the batch as soon as it exists (the CLI prints its id). */
  onBatch?: (b: HrBatchRecord) => void;
  /** Stops launching new rows (the batch ends as it is; a re-run finishes it). */
  signal?: AbortSignal;
}

/** The outcome of an import. */
export interface ImportResult {
  batch: HrBatchRecord;
  /** Every problem, row by row (the batch keeps the first 200). */
  problems: RowProblem[];
  notices: string[];
}

/** A prepared import: the plan, the launches and the rows that cannot launch. */
interface Prepared {
  plan: LaunchPlan;
  file: EmployeeFile;
  launches: EmployeeLaunch[];
  problems: RowProblem[];
}

/** A batch as the console shows it: the record, plus `interrupted` when its process died while running. */
export type BatchView = Omit<HrBatchRecord, 'mappingDoc' | 'fileBlob'> & { interrupted: boolean };

/** One line of the status export. */
export interface LaunchStatusRow {
  row?: number;
  employeeKey: string;
  name: string;
  mobile: string;
  bizNo: string;
  contractId?: string;
  status: string;
  statusText: string;
  employee?: string;
  company?: string;
  completedAt?: string;
  expiresAt?: string;
  reason?: string;
}

/** Input of {@link HrService.linkCoreHr}. */
export interface CoreHrLinkInput {
  mappingId: string;
  larkAppId: string;
  larkAppSecret: string;
  encryptKey?: string;
  verificationToken: string;
  domain?: string;
}

const MAX_STORED_PROBLEMS = 200;
const HEARTBEAT_MS = 1000;
const STALE_MS = 30_000;
const DAY = 86_400_000;

function zeroCounts(): BatchCounts {
  return { created: 0, sent: 0, stamped: 0, failed: 0, skipped: 0 };
}

function masked(mobile: string): string {
  try {
    return maskMobile(mobile);
  } catch {
    return '***';
  }
}

function policyOf(m: HrMapping): LaunchPolicy {
  return {
    seal: m.seal ?? 'before',
    roles: rolesOf(m),
    reminders: m.reminders?.daysBefore ?? [60, 30],
    ...(m.reminders?.notify?.length ? { notify: m.reminders.notify } : {}),
    ...(m.corehr ? { corehr: m.corehr } : {}),
  };
}

function errorText(e: unknown): string {
  if (isSignetError(e)) return `${e.message} [${e.code}]`;
  return `内部错误 internal error: ${(e as Error)?.message ?? String(e)}`;
}

/** The status of a launch, as a code and zh-CN / English text. */
export function launchStatus(l: Pick<HrLaunchRecord, 'state' | 'employeeState' | 'companyState' | 'policy' | 'endReason' | 'error'>): { status: string; text: string } {
  switch (l.state) {
    case 'failed': return { status: 'failed', text: `发起失败 launch failed${l.error ? `: ${l.error}` : ''}` };
    case 'draft': return { status: 'draft', text: '草稿，未发送 draft, not sent' };
    case 'signing':
      if (l.companyState !== 'signed' && (l.policy.seal === 'before' || l.employeeState === 'signed')) return { status: 'awaiting_company', text: '待公司盖章 waiting for the company seal' };
      return { status: 'awaiting_employee', text: '待员工签署 waiting for the employee' };
    case 'completed': return { status: 'completed', text: '已完成 completed' };
    case 'rejected': return { status: 'rejected', text: `员工拒签 rejected${l.endReason ? `: ${l.endReason}` : ''}` };
    case 'revoked': return { status: 'revoked', text: '已撤销 revoked' };
    case 'expired': return { status: 'expired', text: '已过期未签 expired unsigned' };
    case 'invalidated': return { status: 'invalidated', text: '已作废 invalidated' };
  }
}

/** Quotes a CSV cell (RFC 4180) and defuses spreadsheet formulas. */
function csvCell(v: unknown): string {
  let s = v === undefined || v === null ? '' : String(v);
  if (/^[=+\-@]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The service. */
export class HrService {
  readonly col: HrCollections;
  private readonly clock: Clock;
  private readonly ids: IdGenerator;

  constructor(private readonly deps: HrServiceDeps) {
    this.col = hrCollections(deps.store);
    this.clock = deps.clock ?? systemClock;
    this.ids = deps.ids ?? randomIdGenerator;
  }

  // ---------------------------------------------------------------- mappings

  /** Checks a mapping against its bundle; returns it, or throws HR_MAPPING_INVALID with every problem. */
  async checkMapping(tenant: string, value: unknown, period?: string): Promise<LaunchPlan> {
    const mapping = parseHrMapping(value);
    const bundle = await this.deps.portFor(tenant).bundle(mapping.bundleId);
    const problems = checkMappingAgainstBundle(mapping, bundle);
    if (problems.length) throw mappingInvalid(problems);
    return { mapping, bundle, definitions: bundle.definitions, ...(period ? { period } : {}) };
  }

  /** Stores a checked mapping (the API object). */
  async saveMapping(tenant: string, createdBy: string, value: unknown): Promise<HrMappingRecord> {
    const plan = await this.checkMapping(tenant, value);
    return this.col.mappings.insert({ id: this.ids.next('hrm'), tenant, mapping: plan.mapping, createdAt: this.clock.now().toISOString(), createdBy });
  }

  /** The tenant's stored mappings. */
  async mappings(tenant: string): Promise<HrMappingRecord[]> {
    return this.col.mappings.find('tenant', tenant);
  }

  /** A stored mapping of the tenant (NOT_FOUND otherwise). */
  async mapping(tenant: string, id: string): Promise<HrMappingRecord> {
    const m = await this.col.mappings.get(id);
    if (!m || m.tenant !== tenant) throw new SignetError('NOT_FOUND', `人事映射 ${id} 不存在。HR mapping ${id} does not exist in this enterprise; list them with GET /api/v1/hr/mappings.`);
    return m;
  }

  // ---------------------------------------------------------------- imports

  /** Reads the file and prepares every row: launches, and problems row by row (line, column, why). */
  prepare(plan: LaunchPlan, bytes: Uint8Array, name?: string, format?: 'csv' | 'json'): Prepared {
    const file = readEmployeeFile(bytes, { name, format });
    if (file.format === 'csv') {
      const missing = missingColumns(plan.mapping, file.header);
      if (missing.length) {
        throw new SignetError('HR_FILE_UNREADABLE', `文件缺少映射用到的列：${missing.join('、')}。The file has no column ${missing.map((m) => `"${m}"`).join(', ')}, which the mapping reads (its columns: ${file.header.join(', ')}); rename the columns or change the mapping.`, { missing });
      }
    }
    return this.prepareRecords(plan, file, file.records);
  }

  private prepareRecords(plan: LaunchPlan, file: EmployeeFile, records: EmployeeRecord[]): Prepared {
    const problems: RowProblem[] = [...file.problems];
    const launches: EmployeeLaunch[] = [];
    const seen = new Map<string, EmployeeLaunch>();
    for (const rec of records) {
      const r = prepareLaunch(plan, rec);
      problems.push(...r.problems);
      if (!r.launch) continue;
      const first = seen.get(r.launch.bizNo);
      if (first) {
        problems.push({ row: rec.row, line: rec.line, column: plan.mapping.employee.key, code: 'duplicate', message: `与第 ${first.line} 行是同一员工同一期间，已跳过 / the same employee and period as line ${first.line}; skipped` });
        continue;
      }
      seen.set(r.launch.bizNo, r.launch);
      launches.push(r.launch);
    }
    problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
    return { plan, file, launches, problems };
  }

  private async newBatch(req: Pick<ImportRequest, 'tenant' | 'createdBy' | 'mappingId' | 'fileName' | 'file'>, p: Prepared, state: HrBatchRecord['state'], extra: Partial<HrBatchRecord> = {}): Promise<HrBatchRecord> {
    const now = this.clock.now().toISOString();
    const rows = p.launches.length + new Set(p.problems.filter((x) => x.row !== undefined && !p.launches.some((l) => l.row === x.row)).map((x) => x.row)).size;
    return this.col.batches.insert({
      id: this.ids.next('hrb'),
      tenant: req.tenant,
      mapping: { name: p.plan.mapping.name, bundleId: p.plan.mapping.bundleId, seal: p.plan.mapping.seal ?? 'before', ...(req.mappingId ? { id: req.mappingId } : {}) },
      ...(p.plan.period ? { period: p.plan.period } : {}),
      source: { kind: p.file.format, ...(req.fileName ? { name: req.fileName } : {}), sha256: createHash('sha256').update(req.file).digest('hex'), encoding: p.file.encoding, rows },
      createdBy: req.createdBy,
      createdAt: now,
      state,
      done: 0,
      counts: zeroCounts(),
      problems: p.problems.slice(0, MAX_STORED_PROBLEMS),
      problemCount: p.problems.length,
      notices: p.file.notices,
      ...extra,
    });
  }

  /**
   * Imports a file in this process: checks the mapping against the bundle, reads every row,
   * launches the good ones with `concurrency` in flight, and keeps the batch record up to date.
   * Throws HR_MAPPING_INVALID or HR_FILE_UNREADABLE before anything is launched; bad rows are
   * reported and never stop the good ones.
   */
  async importFile(req: ImportRequest, opts: ImportOptions = {}): Promise<ImportResult> {
    const plan = await this.checkMapping(req.tenant, req.mapping, req.period);
    const p = this.prepare(plan, req.file, req.fileName, req.format);
    const batch = await this.newBatch(req, p, 'running', { startedAt: this.clock.now().toISOString(), heartbeatAt: this.clock.now().toISOString() });
    opts.onBatch?.(batch);
    const done = await this.run(batch, p, opts);
    return { batch: done, problems: p.problems, notices: p.file.notices };
  }

  /**
   * Queues an import to run as a background job (the API): checks the mapping and reads the file
   * now, so that the answer carries every bad row; the launches run in the job.
   */
  async queueImport(req: ImportRequest): Promise<ImportResult> {
    if (!this.deps.blobs || !this.deps.enqueue) throw new SignetError('INTERNAL', 'Queued imports need a BlobStore and a job queue; wire HrService with blobs and enqueue.');
    const plan = await this.checkMapping(req.tenant, req.mapping, req.period);
    const p = this.prepare(plan, req.file, req.fileName, req.format);
    const fileBlob = await this.deps.blobs.put(req.file);
    const batch = await this.newBatch(req, p, 'queued', { fileBlob, mappingDoc: plan.mapping });
    await this.deps.enqueue(HR_JOBS.import, { tenant: req.tenant, batchId: batch.id }, { idempotencyKey: batch.id });
    return { batch, problems: p.problems, notices: p.file.notices };
  }

  /** Runs a queued batch (the job handler). Safe to run again after a crash: launches are idempotent. */
  async runQueued(tenant: string, batchId: string): Promise<HrBatchRecord> {
    const b = await this.col.batches.get(batchId);
    if (!b || b.tenant !== tenant || !b.fileBlob || !b.mappingDoc) throw new SignetError('NOT_FOUND', `导入批次 ${batchId} 不存在。Import batch ${batchId} does not exist or has no file.`);
    if (b.state === 'done') return b;
    const plan = await this.checkMapping(tenant, b.mappingDoc, b.period);
    const bytes = await this.deps.blobs!.get(b.fileBlob);
    const p = this.prepare(plan, bytes, b.source.name, b.source.kind === 'json' ? 'json' : 'csv');
    const now = this.clock.now().toISOString();
    const running = await this.col.batches.update({ ...b, state: 'running', startedAt: b.startedAt ?? now, heartbeatAt: now, done: 0, counts: zeroCounts() }, b.version);
    return this.run(running, p, {});
  }

  /** Launches every prepared employee of a batch, with a pool of workers, and finishes the batch. */
  private async run(batch0: HrBatchRecord, p: Prepared, opts: ImportOptions): Promise<HrBatchRecord> {
    let batch = batch0;
    const tenant = batch.tenant;
    const port = this.deps.portFor(tenant);
    const policy = policyOf(p.plan.mapping);
    const counts = zeroCounts();
    const badRows = new Set(p.problems.filter((x) => x.row !== undefined).map((x) => x.row));
    for (const l of p.launches) badRows.delete(l.row);
    counts.failed = badRows.size;
    const total = p.launches.length + badRows.size;
    let done = badRows.size;
    const launchProblems: RowProblem[] = [];
    const t0 = performance.now();
    let lastBeat = 0;
    let beating: Promise<void> | undefined;
    const progress = (): ImportProgress => {
      const elapsedMs = performance.now() - t0;
      const launched = done - badRows.size;
      const ratePerSecond = elapsedMs > 0 ? (launched * 1000) / elapsedMs : 0;
      const left = total - done;
      return { batchId: batch.id, total, done, counts: { ...counts }, elapsedMs, ratePerSecond, ...(ratePerSecond > 0 ? { etaSeconds: left / ratePerSecond } : {}) };
    };
    const beat = async (final: Partial<HrBatchRecord> = {}) => {
      const pr = progress();
      for (let attempt = 0; attempt < 5; attempt++) {
        const cur = (await this.col.batches.get(batch.id)) ?? batch;
        try {
          batch = await this.col.batches.update({
            ...cur, done: pr.done, counts: pr.counts, heartbeatAt: this.clock.now().toISOString(), ratePerSecond: Math.round(pr.ratePerSecond * 10) / 10,
            ...(launchProblems.length ? { problems: [...p.problems, ...launchProblems].sort((a, b) => (a.line ?? 0) - (b.line ?? 0)).slice(0, MAX_STORED_PROBLEMS), problemCount: p.problems.length + launchProblems.length } : {}),
            ...final,
          }, cur.version);
          return;
        } catch (e) {
          if (!isSignetError(e, 'VERSION_CONFLICT')) throw e;
        }
      }
    };
    opts.onProgress?.(progress());
    let next = 0;
    const worker = async () => {
      while (next < p.launches.length && !opts.signal?.aborted) {
        const e = p.launches[next++];
        let outcome: LaunchOutcome | undefined;
        let error: unknown;
        try {
          outcome = await launchEmployee(port, p.plan.mapping, e, this.clock.now());
        } catch (err) {
          error = err;
        }
        try {
          await this.recordLaunch(tenant, batch.id, p.plan.mapping.bundleId, e, p.file.format, policy, outcome, error);
        } catch (err) {
          error ??= err;
        }
        if (error) {
          counts.failed++;
          launchProblems.push({ row: e.row, line: e.line, code: 'launch', message: `发起失败 / the launch failed: ${errorText(error)}` });
        } else if (outcome) {
          if (outcome.created) counts.created++;
          if (outcome.sent) counts.sent++;
          if (outcome.stamped) counts.stamped++;
          if (outcome.skipped) counts.skipped++;
          if (outcome.undelivered) launchProblems.push({ row: e.row, line: e.line, column: p.plan.mapping.employee.mobile, code: 'delivery', message: '签署短信未能发出，请稍后提醒 / the signing SMS was not accepted by the gateway; remind the employee later' });
        }
        done++;
        opts.onProgress?.(progress());
        const now = performance.now();
        if (now - lastBeat >= HEARTBEAT_MS && !beating) {
          lastBeat = now;
          beating = beat().finally(() => {
            beating = undefined;
          });
        }
      }
    };
    const n = Math.max(1, Math.min(opts.concurrency ?? 8, 64));
    await Promise.all(Array.from({ length: n }, worker));
    await beating;
    const aborted = !!opts.signal?.aborted && done < total;
    await beat({ state: aborted ? 'failed' : 'done', finishedAt: this.clock.now().toISOString(), ...(aborted ? { error: '已中止，重新导入同一文件即可继续 aborted; import the same file again to finish it' } : {}) });
    opts.onProgress?.(progress());
    return batch;
  }

  /** Saves the launch record of one outcome (insert, or update when anything changed). */
  private async recordLaunch(tenant: string, batchId: string, bundleId: string, e: EmployeeLaunch, source: HrLaunchRecord['source'], policy: LaunchPolicy, outcome: LaunchOutcome | undefined, error: unknown, corehr?: HrLaunchRecord['corehr']): Promise<void> {
    const id = launchIdOf(tenant, e.bizNo);
    const now = this.clock.now().toISOString();
    const c = outcome?.contract;
    const numberVar = policy.corehr?.numberVar ?? 'contractNo';
    const startVar = policy.corehr?.startVar ?? 'startDate';
    for (let attempt = 0; attempt < 5; attempt++) {
      const prev = await this.col.launches.get(id);
      const base: Omit<HrLaunchRecord, 'version'> = {
        id, tenant, bizNo: e.bizNo, bundleId, period: e.period, employeeKey: e.key, employeeName: e.name,
        mobileMasked: masked(e.mobile), entity: e.entity.code, policy, source,
        state: prev?.state ?? 'failed', batchIds: [...(prev?.batchIds ?? []).filter((b) => b !== batchId), batchId].slice(-10), row: e.row,
        createdAt: prev?.createdAt ?? now, updatedAt: now, reminded: prev?.reminded ?? [],
        ...(e.expiresAt ? { expiresAt: e.expiresAt } : {}),
        terms: {
          ...(e.vars[numberVar] !== undefined ? { contractNo: String(e.vars[numberVar]) } : {}),
          ...(e.vars[startVar] !== undefined ? { startDate: String(e.vars[startVar]) } : typeof e.source.startDate === 'string' ? { startDate: e.source.startDate } : {}),
          ...(e.expiresAt ? { endDate: e.expiresAt } : {}),
        },
        ...(prev?.corehr || corehr ? { corehr: { ...prev?.corehr, ...corehr } } : {}),
      };
      // A failed retry of a launched contract keeps its contract and state; only the error is new.
      const next: Omit<HrLaunchRecord, 'version'> = c
        ? { ...base, ...this.statusFields(c, policy) }
        : { ...base, ...(prev?.contractId ? { contractId: prev.contractId, state: prev.state } : { state: 'failed' as const }), error: errorText(error).slice(0, 500) };
      if (prev && outcome?.skipped && prev.contractId === c?.id && prev.state === next.state && prev.batchIds.includes(batchId)) return;
      try {
        if (prev) await this.col.launches.update({ ...prev, ...next }, prev.version);
        else await this.col.launches.insert(next);
        return;
      } catch (err) {
        if (!isSignetError(err, 'VERSION_CONFLICT') && !isSignetError(err, 'DUPLICATE')) throw err;
      }
    }
  }

  private statusFields(c: ContractSummary, policy: LaunchPolicy): Partial<HrLaunchRecord> {
    const { company, employee } = partiesOf({ roles: policy.roles }, c);
    return {
      contractId: c.id,
      state: c.state,
      ...(employee ? { employeeState: employee.state } : {}),
      ...(company ? { companyState: company.state } : {}),
      ...(c.completedAt ? { completedAt: c.completedAt } : {}),
      ...(c.endReason || employee?.rejectReason ? { endReason: employee?.rejectReason ?? c.endReason } : {}),
      error: undefined,
    };
  }

  // ---------------------------------------------------------------- batches and export

  private view(b: HrBatchRecord): BatchView {
    const rest: Partial<HrBatchRecord> = { ...b };
    delete rest.mappingDoc;
    delete rest.fileBlob;
    const stale = b.state === 'running' && !!b.heartbeatAt && this.clock.now().getTime() - Date.parse(b.heartbeatAt) > STALE_MS;
    return { ...(rest as Omit<HrBatchRecord, 'mappingDoc' | 'fileBlob'>), interrupted: stale };
  }

  /** A batch of the tenant (NOT_FOUND otherwise). */
  async batch(tenant: string, batchId: string): Promise<BatchView> {
    const b = await this.col.batches.get(batchId);
    if (!b || b.tenant !== tenant) throw new SignetError('NOT_FOUND', `导入批次 ${batchId} 不存在。Import batch ${batchId} does not exist in this enterprise.`);
    return this.view(b);
  }

  /** The tenant's batches, newest first. */
  async batches(tenant: string): Promise<BatchView[]> {
    return (await this.col.batches.find('tenant', tenant)).sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id)).map((b) => this.view(b));
  }

  /** The launches of a batch (or of the whole tenant), refreshed from their contracts first. */
  async launches(tenant: string, opts: { batchId?: string; refresh?: boolean } = {}): Promise<HrLaunchRecord[]> {
    if (opts.batchId) await this.batch(tenant, opts.batchId);
    const list = opts.batchId ? await this.col.launches.find('batch', opts.batchId) : await this.col.launches.find('tenant', tenant);
    const mine = list.filter((l) => l.tenant === tenant);
    if (opts.refresh === false) return mine;
    const out: HrLaunchRecord[] = [];
    for (const l of mine) out.push(await this.refresh(l));
    return out.sort((a, b) => (a.row ?? 0) - (b.row ?? 0));
  }

  /** Re-reads a launch's contract and saves its status when it changed. */
  private async refresh(l: HrLaunchRecord): Promise<HrLaunchRecord> {
    if (!l.contractId) return l;
    let c: ContractSummary;
    try {
      c = await this.deps.portFor(l.tenant).contract(l.contractId);
    } catch {
      return l;
    }
    const fields = this.statusFields(c, l.policy);
    if (fields.state === l.state && fields.employeeState === l.employeeState && fields.companyState === l.companyState && fields.completedAt === l.completedAt) return l;
    try {
      return await this.col.launches.update({ ...l, ...fields, updatedAt: this.clock.now().toISOString() }, l.version);
    } catch (e) {
      if (isSignetError(e, 'VERSION_CONFLICT')) return (await this.col.launches.get(l.id)) ?? l;
      throw e;
    }
  }

  /** The status rows of launches, for the export. */
  statusRows(launches: HrLaunchRecord[]): LaunchStatusRow[] {
    return launches.map((l) => {
      const s = launchStatus(l);
      return {
        ...(l.row !== undefined ? { row: l.row } : {}),
        employeeKey: l.employeeKey, name: l.employeeName, mobile: l.mobileMasked, bizNo: l.bizNo,
        ...(l.contractId ? { contractId: l.contractId } : {}),
        status: s.status, statusText: s.text,
        ...(l.employeeState ? { employee: l.employeeState } : {}),
        ...(l.companyState ? { company: l.companyState } : {}),
        ...(l.completedAt ? { completedAt: l.completedAt } : {}),
        ...(l.expiresAt ? { expiresAt: l.expiresAt } : {}),
        ...(l.endReason || l.error ? { reason: l.endReason ?? l.error } : {}),
      };
    });
  }

  /**
   * The statuses as CSV (UTF-8 with BOM, so that Excel shows the Chinese): one line per launch of
   * the batch, or, given the original file and its mapping, the file's own columns plus the status
   * columns, in the file's order (rows that could not launch say why).
   */
  async exportCsv(tenant: string, from: { batchId?: string } | { file: Uint8Array; fileName?: string; mapping: unknown; period?: string }): Promise<string> {
    const head = ['行号 row', '员工编号 employee', '姓名 name', '手机 mobile', '状态 status', '说明 detail', '合同 contract', '完成时间 completed', '到期日 expires', '业务编号 bizNo'];
    const line = (cells: unknown[]) => cells.map(csvCell).join(',');
    if ('file' in from) {
      const plan = await this.checkMapping(tenant, from.mapping, from.period);
      const p = this.prepare(plan, from.file, from.fileName);
      const byRow = new Map(p.launches.map((l) => [l.row, l]));
      const problemsByRow = new Map<number, RowProblem[]>();
      for (const x of p.problems) if (x.row !== undefined) problemsByRow.set(x.row, [...(problemsByRow.get(x.row) ?? []), x]);
      const cols = p.file.header;
      const out = [line([...cols, '状态 status', '说明 detail', '合同 contract', '完成时间 completed', '业务编号 bizNo'])];
      for (const rec of p.file.records) {
        const l = byRow.get(rec.row);
        const own = cols.map((c) => rec.fields[c]);
        if (!l) {
          out.push(line([...own, 'invalid', (problemsByRow.get(rec.row) ?? []).map((x) => `${x.column ? `${x.column}: ` : ''}${x.message}`).join('; '), '', '', '']));
          continue;
        }
        const found = await this.col.launches.get(launchIdOf(tenant, l.bizNo));
        const rec2 = found ? await this.refresh(found) : undefined;
        const s = rec2 ? launchStatus(rec2) : { status: 'not_launched', text: '尚未发起 not launched yet' };
        out.push(line([...own, s.status, s.text, rec2?.contractId, rec2?.completedAt, l.bizNo]));
      }
      return `\ufeff${out.join('\r\n')}\r\n`;
    }
    const rows = this.statusRows(await this.launches(tenant, { batchId: from.batchId }));
    const out = [line(head), ...rows.map((r) => line([r.row, r.employeeKey, r.name, r.mobile, r.status, r.statusText, r.contractId, r.completedAt, r.expiresAt, r.bizNo]))];
    return `\ufeff${out.join('\r\n')}\r\n`;
  }

  // ---------------------------------------------------------------- follow-ups

  /**
   * Reacts to a platform domain event of a contract the connector launched: the employee signed
   * (the company seal may be due, `after` policy), or the contract ended (status, CoreHR write-back).
   * The connector's own stamps and the routine events are ignored. Work goes to the job queue
   * when there is one, so that the signer's request never waits for it.
   */
  async onDomainEvent(e: DomainEvent): Promise<void> {
    const d = e.data as { appId?: string; bizNo?: string; tenant?: string; method?: string };
    if (d.appId !== HR_APP_ID || typeof d.bizNo !== 'string' || !d.bizNo.startsWith('hr:') || typeof d.tenant !== 'string') return;
    const wanted = (e.type === 'signer.signed' && d.method !== 'auto_stamp') || e.type === 'signer.rejected' || e.type === 'contract.completed' || e.type === 'contract.rejected' ||
      e.type === 'contract.revoked' || e.type === 'contract.expired' || e.type === 'contract.invalidated';
    if (!wanted) return;
    const payload = { tenant: d.tenant, contractId: e.subject };
    if (this.deps.enqueue) await this.deps.enqueue(HR_JOBS.followUp, payload, { idempotencyKey: `${e.subject}:${String((e.data as { seq?: number }).seq ?? e.type)}` });
    else await this.followUp(d.tenant, e.subject);
  }

  /** Brings one launched contract's record up to date, stamps the company seal when due, and writes a completed CoreHR contract back. */
  async followUp(tenant: string, contractId: string): Promise<HrLaunchRecord | undefined> {
    const [l0] = (await this.col.launches.find('contract', contractId)).filter((l) => l.tenant === tenant);
    if (!l0) return undefined;
    const port = this.deps.portFor(tenant);
    let l = await this.refresh(l0);
    if (l.state === 'signing' && l.policy.seal === 'after' && l.employeeState === 'signed' && l.companyState !== 'signed') {
      await advanceLaunch(port, { seal: l.policy.seal, roles: l.policy.roles }, await port.contract(contractId));
      l = await this.refresh((await this.col.launches.get(l.id))!);
    }
    if (l.state === 'completed' && l.source === 'corehr' && !l.corehr?.writtenAt) l = await this.writeBack(l);
    return l;
  }

  /** Follows up every launch of the tenant that may need it (the CLI's `signet hr sync`, and after a restart). */
  async sync(tenant: string): Promise<{ checked: number; stamped: number; written: number; failed: number }> {
    const out = { checked: 0, stamped: 0, written: 0, failed: 0 };
    for (const l of (await this.col.launches.find('followUp', 'yes')).filter((x) => x.tenant === tenant && x.contractId)) {
      out.checked++;
      try {
        const before = l;
        const after = await this.followUp(tenant, l.contractId!);
        if (after && before.companyState !== 'signed' && after.companyState === 'signed') out.stamped++;
        if (after?.corehr?.writtenAt && !before.corehr?.writtenAt) out.written++;
        if (after?.corehr?.lastError && !after.corehr.writtenAt) out.failed++;
      } catch {
        out.failed++;
      }
    }
    return out;
  }

  // ---------------------------------------------------------------- reminders

  /**
   * Sends the renewal and expiry reminders that are due (a completed contract within one of its
   * `reminders.daysBefore` of its expiry), each once, and returns them. The server runs it daily;
   * the CLI has `signet hr remind`.
   */
  async remindExpiring(tenant?: string): Promise<{ launch: HrLaunchRecord; daysLeft: number; offset: number; sentTo: number }[]> {
    const now = this.clock.now().getTime();
    const due: { launch: HrLaunchRecord; daysLeft: number; offset: number; sentTo: number }[] = [];
    for (const l of await this.col.launches.find('expiring', 'yes')) {
      if (tenant && l.tenant !== tenant) continue;
      const expires = Date.parse(`${l.expiresAt}T23:59:59+08:00`);
      const daysLeft = Math.ceil((expires - now) / DAY);
      if (daysLeft < 0) continue;
      const offsets = [...l.policy.reminders].sort((a, b) => a - b).filter((d) => daysLeft <= d && !l.reminded.includes(d));
      if (offsets.length === 0) continue;
      const offset = offsets[0];
      let sentTo = 0;
      for (const to of l.policy.notify ?? []) {
        try {
          await this.deps.messages?.send({ to, template: 'hr-contract-expiring', params: { employee: l.employeeName, employeeId: l.employeeKey, expiresAt: l.expiresAt!, days: String(daysLeft), contract: l.contractId ?? '' } });
          sentTo++;
        } catch {
          /* counted as not sent; retried on the next run since the offset is not recorded */
        }
      }
      if ((l.policy.notify?.length ?? 0) > 0 && sentTo === 0) continue;
      try {
        // Every offset up to this one counts as done, so that a late first run sends one reminder, not several.
        await this.col.launches.update({ ...l, reminded: [...new Set([...l.reminded, ...offsets])], updatedAt: this.clock.now().toISOString() }, l.version);
      } catch (e) {
        if (!isSignetError(e, 'VERSION_CONFLICT')) throw e;
      }
      due.push({ launch: l, daysLeft, offset, sentTo });
    }
    return due;
  }

  // ---------------------------------------------------------------- CoreHR

  /** Links the tenant to its Lark CoreHR app: the mapping its onboarding events launch, and the app's secrets (sealed). */
  async linkCoreHr(tenant: string, input: CoreHrLinkInput): Promise<Omit<HrCoreHrRecord, 'larkAppSecret' | 'encryptKey' | 'verificationToken'>> {
    const cipher = this.requireCipher();
    await this.mapping(tenant, input.mappingId);
    const now = this.clock.now().toISOString();
    const sealed = {
      tenant, mappingId: input.mappingId, larkAppId: input.larkAppId,
      larkAppSecret: cipher.encrypt(input.larkAppSecret, 'hr_corehr_secret'),
      verificationToken: cipher.encrypt(input.verificationToken, 'hr_corehr_token'),
      ...(input.encryptKey ? { encryptKey: cipher.encrypt(input.encryptKey, 'hr_corehr_encrypt_key') } : {}),
      ...(input.domain ? { domain: input.domain } : {}),
      updatedAt: now,
    };
    const prev = await this.col.corehr.getBy('tenant', tenant);
    const rec = prev
      ? await this.col.corehr.update({ ...prev, ...sealed, ...(input.encryptKey ? {} : { encryptKey: undefined }) }, prev.version)
      : await this.col.corehr.insert({ id: this.ids.next('hrc'), createdAt: now, ...sealed });
    const view: Partial<HrCoreHrRecord> = { ...rec };
    delete view.larkAppSecret;
    delete view.encryptKey;
    delete view.verificationToken;
    return view as Omit<HrCoreHrRecord, 'larkAppSecret' | 'encryptKey' | 'verificationToken'>;
  }

  private requireCipher(): FieldCipher {
    if (!this.deps.cipher) throw new SignetError('INTERNAL', 'The CoreHR link needs a FieldCipher to seal its secrets; wire HrService with cipher.');
    return this.deps.cipher;
  }

  private async coreHrLink(tenant: string): Promise<{ rec: HrCoreHrRecord; secret: string; token: string; encryptKey?: string }> {
    const rec = await this.col.corehr.getBy('tenant', tenant);
    if (!rec) throw new SignetError('HR_EVENT_INVALID', `企业 ${tenant} 未连接飞书人事。Enterprise ${tenant} has no CoreHR link; set one with PUT /api/v1/hr/corehr.`);
    const c = this.requireCipher();
    return {
      rec,
      secret: c.decrypt(rec.larkAppSecret, 'hr_corehr_secret'),
      token: c.decrypt(rec.verificationToken, 'hr_corehr_token'),
      ...(rec.encryptKey ? { encryptKey: c.decrypt(rec.encryptKey, 'hr_corehr_encrypt_key') } : {}),
    };
  }

  private clientOf(link: { rec: HrCoreHrRecord; secret: string }): CoreHrClient {
    const opts = { appId: link.rec.larkAppId, appSecret: link.secret, ...(link.rec.domain ? { domain: link.rec.domain } : {}) };
    return this.deps.corehrClient ? this.deps.corehrClient(opts) : new CoreHrClient(opts);
  }

  /**
   * Handles one CoreHR callback for the tenant: checks it (signature, decryption, token), answers
   * the URL challenge, skips an event id seen before, and launches the mapped bundle for the
   * employee the event names, fetched from CoreHR.
   */
  async handleCoreHrCallback(tenant: string, body: unknown, headers: Record<string, string | string[] | undefined>): Promise<CoreHrCallbackResult & { launch?: HrLaunchRecord }> {
    const link = await this.coreHrLink(tenant);
    let launched: HrLaunchRecord | undefined;
    const r = await dispatchCoreHrCallback(body, headers, { verificationToken: link.token, ...(link.encryptKey ? { encryptKey: link.encryptKey } : {}) }, async (e) => {
      launched = await this.launchFromCoreHr(tenant, link, e);
    });
    return { ...r, ...(launched ? { launch: launched } : {}) };
  }

  private async launchFromCoreHr(tenant: string, link: { rec: HrCoreHrRecord; secret: string }, e: CoreHrEvent): Promise<HrLaunchRecord | undefined> {
    const seenId = `hre_${createHash('sha256').update(`${tenant}\u0000${e.eventId}`).digest('hex').slice(0, 32)}`;
    if (await this.col.events.get(seenId)) return undefined;
    const client = this.clientOf(link);
    let fields: CoreHrEmployeeFields | undefined;
    if (e.type === 'corehr.job_data.employed_v1' && e.employmentId) fields = await client.employee(e.employmentId);
    else if (e.type === 'corehr.pre_hire.updated_v1' && e.preHireId) fields = await client.preHire(e.preHireId);
    const stored = await this.mapping(tenant, link.rec.mappingId);
    const plan = await this.checkMapping(tenant, stored.mapping);
    let result: HrLaunchRecord | undefined;
    if (fields) {
      const file: EmployeeFile = { format: 'json', encoding: 'utf-8', header: Object.keys(fields), records: [], problems: [], notices: [] };
      const p = this.prepareRecords(plan, file, [{ row: 1, line: 1, fields }]);
      const batch = await this.corehrBatch(tenant, stored);
      const policy = policyOf(plan.mapping);
      const corehr = { ...(fields.employmentId ? { employmentId: fields.employmentId } : {}), ...(fields.personId ? { personId: fields.personId } : {}), ...(fields.companyId ? { companyId: fields.companyId } : {}), ...(fields.preHireId ? { preHireId: fields.preHireId } : {}) };
      const counts = zeroCounts();
      if (p.launches.length === 0) counts.failed++;
      for (const l of p.launches) {
        let outcome: LaunchOutcome | undefined;
        let error: unknown;
        try {
          outcome = await launchEmployee(this.deps.portFor(tenant), plan.mapping, l, this.clock.now());
        } catch (err) {
          error = err;
        }
        await this.recordLaunch(tenant, batch.id, plan.mapping.bundleId, l, 'corehr', policy, outcome, error, corehr);
        if (error) counts.failed++;
        else if (outcome) {
          counts.created += outcome.created ? 1 : 0;
          counts.sent += outcome.sent ? 1 : 0;
          counts.stamped += outcome.stamped ? 1 : 0;
          counts.skipped += outcome.skipped ? 1 : 0;
        }
        result = (await this.col.launches.get(launchIdOf(tenant, l.bizNo))) ?? undefined;
        // A pre-hire launched before onboarding gets its employment id when it is onboarded.
        if (result && fields.employmentId && !result.corehr?.employmentId) {
          result = await this.col.launches.update({ ...result, corehr: { ...result.corehr, ...corehr } }, result.version);
        }
      }
      await this.bumpBatch(batch.id, counts, p.problems);
    }
    try {
      await this.col.events.insert({ id: seenId, tenant, type: e.type, at: this.clock.now().toISOString() });
    } catch (err) {
      if (!isSignetError(err, 'DUPLICATE')) throw err;
    }
    return result;
  }

  /** The day's CoreHR batch (one rolling batch a day collects the events' launches). */
  private async corehrBatch(tenant: string, stored: HrMappingRecord): Promise<HrBatchRecord> {
    const now = this.clock.now();
    const dayKey = new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
    const id = `hrb_corehr_${createHash('sha256').update(`${tenant}\u0000${dayKey}`).digest('hex').slice(0, 20)}`;
    const found = await this.col.batches.get(id);
    if (found) return found;
    try {
      return await this.col.batches.insert({
        id, tenant, mapping: { name: stored.mapping.name, bundleId: stored.mapping.bundleId, seal: stored.mapping.seal ?? 'before', id: stored.id },
        source: { kind: 'corehr', name: `飞书人事 CoreHR ${dayKey}`, rows: 0 }, createdBy: 'corehr', createdAt: now.toISOString(), state: 'running', startedAt: now.toISOString(),
        done: 0, counts: zeroCounts(), problems: [], problemCount: 0, notices: [],
      });
    } catch (e) {
      if (!isSignetError(e, 'DUPLICATE')) throw e;
      return (await this.col.batches.get(id))!;
    }
  }

  private async bumpBatch(id: string, counts: BatchCounts, problems: RowProblem[]): Promise<void> {
    for (let attempt = 0; attempt < 8; attempt++) {
      const b = (await this.col.batches.get(id))!;
      const c = { ...b.counts };
      for (const k of Object.keys(counts) as (keyof BatchCounts)[]) c[k] += counts[k];
      try {
        await this.col.batches.update({
          ...b, counts: c, done: b.done + 1, source: { ...b.source, rows: b.source.rows + 1 }, heartbeatAt: this.clock.now().toISOString(),
          problems: [...b.problems, ...problems].slice(-MAX_STORED_PROBLEMS), problemCount: b.problemCount + problems.length,
        }, b.version);
        return;
      } catch (e) {
        if (!isSignetError(e, 'VERSION_CONFLICT')) throw e;
      }
    }
  }

  /** Writes a completed launch back to CoreHR: a contract record with number and dates, and a link to the signed PDF. */
  async writeBack(l: HrLaunchRecord): Promise<HrLaunchRecord> {
    const link = await this.coreHrLink(l.tenant);
    const port = this.deps.portFor(l.tenant);
    const employmentId = l.corehr?.employmentId;
    const companyId = l.corehr?.companyId;
    let patch: HrLaunchRecord['corehr'];
    if (!employmentId || !companyId || !l.contractId) {
      patch = { ...l.corehr, lastError: 'CoreHR 未提供雇佣 ID 或合同主体，无法回写 the employee has no CoreHR employment id or company yet; it is written back once onboarded' };
    } else {
      try {
        const linkField = l.policy.corehr?.linkField ?? 'signet_contract_url';
        const r = await this.clientOf(link).createContractRecord({
          employmentId, companyId, ...(l.corehr?.personId ? { personId: l.corehr.personId } : {}),
          startDate: l.terms?.startDate ?? (l.completedAt ?? this.clock.now().toISOString()).slice(0, 10),
          ...(l.terms?.endDate ? { endDate: l.terms.endDate } : {}),
          contractNumber: l.terms?.contractNo ?? l.contractId,
          ...(l.policy.corehr?.contractType ? { contractType: l.policy.corehr.contractType } : {}),
          ...(l.policy.corehr?.durationType ? { durationType: l.policy.corehr.durationType } : {}),
          ...(l.policy.corehr?.signingType ? { signingType: l.policy.corehr.signingType } : {}),
          customFields: { [linkField]: port.documentUrl(l.contractId, 'd1') },
          clientToken: l.id,
        });
        patch = { ...l.corehr, contractRecordId: r.id, writtenAt: this.clock.now().toISOString(), lastError: undefined };
      } catch (e) {
        patch = { ...l.corehr, lastError: errorText(e).slice(0, 300) };
        if (this.deps.enqueue) await this.deps.enqueue(HR_JOBS.followUp, { tenant: l.tenant, contractId: l.contractId }, { idempotencyKey: `${l.contractId}:writeback:${this.clock.now().toISOString().slice(0, 13)}` });
      }
    }
    for (let attempt = 0; attempt < 5; attempt++) {
      const cur = (await this.col.launches.get(l.id))!;
      try {
        return await this.col.launches.update({ ...cur, corehr: patch, updatedAt: this.clock.now().toISOString() }, cur.version);
      } catch (e) {
        if (!isSignetError(e, 'VERSION_CONFLICT')) throw e;
      }
    }
    return l;
  }
}

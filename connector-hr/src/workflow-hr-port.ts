/**
 * The {@link HrSignetPort} over the platform's own services, in the same process: no HTTP round
 * trip per contract. The connector acts as the enterprise's app `signet-hr` (so bizNo idempotency
 * holds whichever way an import arrives: CLI, API or CoreHR event) and finds or registers each
 * employee as a platform user by mobile number, as `POST /contracts` does for a signer given by
 * mobile.
 */
import {
  SignetError, describeVariables, isSignetError,
  type Actor, type ContractRecord, type Directory, type TemplateDefinition, type Workflow,
} from '@signet/core';
import type { ContractSummary, Delivered, HrSignetPort, LaunchRequest, BundleWithDefinitions } from './hr-signet-port.js';

/** The app id the connector acts as, in process. Standing authorizations for silent stamping scope to it. */
export const HR_APP_ID = 'signet-hr';

/** What {@link WorkflowHrPort} needs. */
export interface WorkflowHrPortDeps {
  workflow: Workflow;
  directory: Directory;
  /** The enterprise that launches. */
  tenant: string;
  /** Default {@link HR_APP_ID}. */
  appId?: string;
  /** The public base URL, for document links (default none: relative links). */
  baseUrl?: string;
  /** The sender's display name and enterprise name on the evidence page. */
  senderName?: string;
}

/** The contract as the connector follows it. */
export function summaryOf(c: ContractRecord): ContractSummary {
  return {
    id: c.id,
    state: c.state,
    title: c.title,
    ...(c.bizNo ? { bizNo: c.bizNo } : {}),
    signers: c.signers.map((s) => ({
      id: s.id, kind: s.kind, name: s.name, step: s.step, state: s.state,
      ...(s.role ? { role: s.role } : {}),
      ...(s.invitedAt ? { invitedAt: s.invitedAt } : {}),
      ...(s.signedAt ? { signedAt: s.signedAt } : {}),
      ...(s.rejectReason ? { rejectReason: s.rejectReason } : {}),
    })),
    documents: c.documents.map((d) => ({ id: d.id, name: d.name })),
    createdAt: c.createdAt,
    ...(c.completedAt ? { completedAt: c.completedAt } : {}),
    ...(c.endedAt ? { endedAt: c.endedAt } : {}),
    ...(c.endReason ? { endReason: c.endReason } : {}),
    ...(c.expiresAt ? { expiresAt: c.expiresAt } : {}),
  };
}

/** The in-process adapter. */
export class WorkflowHrPort implements HrSignetPort {
  readonly actor: Extract<Actor, { kind: 'app' }>;
  private readonly bundles = new Map<string, Promise<BundleWithDefinitions>>();

  constructor(private readonly deps: WorkflowHrPortDeps) {
    this.actor = { kind: 'app', appId: deps.appId ?? HR_APP_ID, enterpriseId: deps.tenant };
  }

  /** Bundles are read once per port (an import reads its bundle once). */
  bundle(bundleId: string): Promise<BundleWithDefinitions> {
    let hit = this.bundles.get(bundleId);
    if (!hit) {
      hit = this.readBundle(bundleId);
      this.bundles.set(bundleId, hit);
      hit.catch(() => this.bundles.delete(bundleId));
    }
    return hit;
  }

  private async readBundle(bundleId: string): Promise<BundleWithDefinitions> {
    const wf = this.deps.workflow;
    const b = await wf.templates.getBundle(this.actor, bundleId);
    const templates = [];
    const definitions: TemplateDefinition[] = [];
    for (const id of b.templateIds) {
      const t = await wf.templates.get(this.actor, id);
      let variables: ReturnType<typeof describeVariables> = [];
      try {
        variables = describeVariables(t.definition as TemplateDefinition);
        definitions.push(t.definition as TemplateDefinition);
      } catch {
        /* an invalid definition fails at fill time, with its own problems */
      }
      templates.push({ id: t.id, name: t.name, roles: t.roles, variables });
    }
    return { id: b.id, name: b.name, templates, definitions };
  }

  /** The employee's platform user: found by mobile, or registered (a signing link proves the number later). */
  private async userFor(mobile: string, name: string): Promise<string> {
    const found = await this.deps.directory.findUserByMobile(mobile);
    if (found) return found.id;
    try {
      return (await this.deps.directory.createUser({ mobile, name }, { kind: 'system', reason: 'hr-connector' })).id;
    } catch (e) {
      if (!isSignetError(e, 'DUPLICATE')) throw e;
      const again = await this.deps.directory.findUserByMobile(mobile);
      if (!again) throw e;
      return again.id;
    }
  }

  private delivered(contract: ContractRecord, links: { signerId: string; delivered: boolean }[]): Delivered {
    const persons = links.filter((l) => contract.signers.find((s) => s.id === l.signerId)?.kind === 'person');
    return { contract: summaryOf(contract), invited: persons.map((l) => l.signerId), delivered: persons.every((l) => l.delivered) };
  }

  async launch(req: LaunchRequest): Promise<Delivered & { created: boolean }> {
    const existing = await this.deps.workflow.collections.contracts.getBy('bizNo', `${this.actor.enterpriseId}\u0000${this.actor.appId}\u0000${req.bizNo}`);
    if (existing) return { contract: summaryOf(existing), invited: [], delivered: true, created: false };
    const userId = await this.userFor(req.employee.mobile, req.employee.name);
    const company = { kind: 'organization' as const, name: req.company.name, enterpriseId: req.company.enterpriseId, seal: req.company.sealId, role: req.company.role };
    const employee = { kind: 'person' as const, name: req.employee.name, userId, account: req.employee.mobile, role: req.employee.role, ...(req.employee.willingness ? { willingness: req.employee.willingness } : {}) };
    const r = await this.deps.workflow.contracts.createFromTemplate(this.actor, {
      bundleId: req.bundleId,
      vars: req.vars,
      title: req.title,
      bizNo: req.bizNo,
      order: 'sequential',
      signers: req.companyFirst ? [company, employee] : [employee, company],
      send: true,
      ...(req.deadline ? { deadline: req.deadline } : {}),
      ...(req.expiresAt ? { expiresAt: req.expiresAt } : {}),
      ...(req.labels?.length ? { labels: req.labels } : {}),
      ...(this.deps.senderName ? { senderName: this.deps.senderName, enterpriseName: this.deps.senderName } : {}),
    });
    return { ...this.delivered(r.contract, r.links), created: r.created };
  }

  async send(contractId: string): Promise<Delivered> {
    const r = await this.deps.workflow.contracts.send(this.actor, contractId);
    return this.delivered(r.contract, r.links);
  }

  async stamp(contractId: string, signerId: string): Promise<Delivered> {
    const r = await this.deps.workflow.contracts.signSilently(this.actor, contractId, { signerId });
    return this.delivered(r.contract, r.links);
  }

  async contract(contractId: string): Promise<ContractSummary> {
    const c = await this.deps.workflow.collections.contracts.get(contractId);
    if (!c || c.tenant !== this.actor.enterpriseId) throw new SignetError('NOT_FOUND', `合同 ${contractId} 不存在。Contract ${contractId} does not exist in this enterprise.`);
    return summaryOf(c);
  }

  async download(contractId: string, docId: string): Promise<Uint8Array> {
    return (await this.deps.workflow.contracts.download(this.actor, contractId, docId)).pdf;
  }

  documentUrl(contractId: string, docId: string): string {
    return `${(this.deps.baseUrl ?? '').replace(/\/$/, '')}/api/v1/contracts/${encodeURIComponent(contractId)}/documents/${encodeURIComponent(docId)}/download`;
  }
}

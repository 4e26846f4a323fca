/**
 * Launches one employee's bundle, or carries an interrupted launch to where it should be. Every
 * step reads where the contract is and does only what is missing, so running it again (a re-run of
 * the same import, or a run after a crash midway) duplicates nothing:
 *
 * 1. create the contract from the bundle with the employee's variables, idempotent on bizNo
 *    (employee × bundle × period), and send it;
 * 2. a contract left as a draft (crash between create and send) is sent;
 * 3. with the `before` seal policy, the company seal is stamped silently when it is the company's
 *    turn; the employee's signing link then goes out by SMS. With `after`, the employee is invited
 *    first and {@link advanceLaunch} stamps once they have signed.
 */
import type { EmployeeLaunch } from './employee-launch.js';
import { rolesOf, type HrMapping } from './hr-mapping.js';
import type { ContractSummary, HrSignetPort, LaunchRequest, SignerSummary } from './hr-signet-port.js';

/** What one launch did. */
export interface LaunchOutcome {
  contract: ContractSummary;
  /** The contract was created now (false: by an earlier run). */
  created: boolean;
  /** The employee's signing link went out now. */
  sent: boolean;
  /** The company seal went on now. */
  stamped: boolean;
  /** Nothing was left to do. */
  skipped: boolean;
  /** An invitation the message sender did not accept (the launch stands; remind later). */
  undelivered: boolean;
}

const DAY = 86_400_000;

/** The signer whose turn it is among the pending ones (sequential steps). */
function inTurn(c: ContractSummary, s: SignerSummary): boolean {
  if (c.state !== 'signing' || (s.state !== 'unread' && s.state !== 'read')) return false;
  const pending = c.signers.filter((x) => x.state === 'unread' || x.state === 'read');
  return s.step === Math.min(...pending.map((x) => x.step));
}

/** The company and employee signers of a launched contract. */
export function partiesOf(mapping: Pick<HrMapping, 'roles'>, c: ContractSummary): { company?: SignerSummary; employee?: SignerSummary } {
  const roles = rolesOf(mapping);
  return {
    company: c.signers.find((s) => s.role === roles.company) ?? c.signers.find((s) => s.kind === 'organization'),
    employee: c.signers.find((s) => s.role === roles.employee) ?? c.signers.find((s) => s.kind === 'person'),
  };
}

/** The create request of a launch. */
export function launchRequestOf(mapping: HrMapping, e: EmployeeLaunch, now: Date): LaunchRequest {
  const roles = rolesOf(mapping);
  const policy = mapping.seal ?? 'before';
  const expires = e.expiresAt ? new Date(`${e.expiresAt}T23:59:59+08:00`) : undefined;
  return {
    bizNo: e.bizNo,
    title: e.title,
    bundleId: mapping.bundleId,
    vars: e.vars,
    company: { enterpriseId: e.entity.enterpriseId, name: e.entity.name ?? e.entity.code, sealId: e.entity.sealId, role: roles.company },
    employee: { name: e.name, mobile: e.mobile, role: roles.employee, ...(mapping.willingness ? { willingness: mapping.willingness } : {}) },
    companyFirst: policy === 'before',
    deadline: new Date(now.getTime() + (mapping.deadlineDays ?? 14) * DAY),
    ...(expires ? { expiresAt: expires } : {}),
    ...(mapping.labels?.length ? { labels: mapping.labels } : {}),
  };
}

/**
 * The connector's next step on a launched contract, if any: send a draft, or stamp the company
 * seal when the policy says it goes on now (before the employee, or after the employee signed).
 */
export async function advanceLaunch(port: HrSignetPort, mapping: Pick<HrMapping, 'seal' | 'roles'>, contract: ContractSummary): Promise<Omit<LaunchOutcome, 'created' | 'skipped'>> {
  let c = contract;
  let sent = false;
  let undelivered = false;
  let stamped = false;
  const note = (r: { invited: string[]; delivered: boolean }) => {
    if (r.invited.length) {
      sent ||= r.delivered;
      undelivered ||= !r.delivered;
    }
  };
  if (c.state === 'draft') {
    const r = await port.send(c.id);
    c = r.contract;
    note(r);
  }
  const policy = mapping.seal ?? 'before';
  const { company, employee } = partiesOf(mapping, c);
  const due = policy === 'before' || (policy === 'after' && employee?.state === 'signed');
  if (policy !== 'manual' && company && due && inTurn(c, company)) {
    const r = await port.stamp(c.id, company.id);
    c = r.contract;
    stamped = true;
    note(r);
  }
  return { contract: c, sent, stamped, undelivered };
}

/** Launches (or resumes) one employee's bundle. */
export async function launchEmployee(port: HrSignetPort, mapping: HrMapping, e: EmployeeLaunch, now: Date): Promise<LaunchOutcome> {
  const r = await port.launch(launchRequestOf(mapping, e, now));
  const first = { sent: false, undelivered: false };
  if (r.invited.length) {
    first.sent = r.delivered;
    first.undelivered = !r.delivered;
  }
  const next = await advanceLaunch(port, mapping, r.contract);
  const sent = first.sent || next.sent;
  return {
    contract: next.contract,
    created: r.created,
    sent,
    stamped: next.stamped,
    undelivered: first.undelivered || next.undelivered,
    skipped: !r.created && !sent && !next.stamped && next.contract.state === r.contract.state,
  };
}

/**
 * Provisioning: creates (or updates) the 用印申请 approval definition in the Lark tenant, with the
 * enterprise's enabled seals as the seal options, and subscribes the app to its events
 * (`approval/v4/approvals/:approval_code/subscribe`; the app must also subscribe to the
 * `approval_instance` event in its event settings). Run it again after adding or disabling a seal.
 */
import type { SignetApi } from '../signet/signet-api.js';
import type { LarkApprovalApi } from './lark-approval-api.js';
import { sealOptions, sealUseDefinition, type ApproverSpec, type SealOption } from './seal-use-form.js';

/** Options of {@link provisionSealUseApproval}. */
export interface ProvisionOptions {
  /** Update this definition instead of creating a new one. */
  approvalCode?: string;
  approvers?: ApproverSpec;
  name?: string;
}

/** What provisioning did. */
export interface ProvisionResult {
  approvalCode: string;
  created: boolean;
  seals: SealOption[];
}

/** Creates or updates the seal-use approval definition and subscribes to its events. */
export async function provisionSealUseApproval(lark: LarkApprovalApi, signet: SignetApi, opts: ProvisionOptions = {}): Promise<ProvisionResult> {
  const seals = sealOptions((await signet.seals({ enabled: true })).filter((s) => s.enabled));
  const { approvalCode } = await lark.createDefinition(sealUseDefinition({ seals, approvalCode: opts.approvalCode, approvers: opts.approvers, name: opts.name }));
  await lark.subscribe(approvalCode);
  return { approvalCode, created: !opts.approvalCode, seals };
}

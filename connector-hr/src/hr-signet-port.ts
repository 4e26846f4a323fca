/**
 * What the HR connector needs from Signet, as one port: read a bundle, launch a contract from it
 * (idempotent on bizNo), send it, stamp the company seal silently, read a contract's status and
 * its signed documents. Two adapters implement it: {@link WorkflowHrPort} in the same process as
 * the platform (the server, and the CLI with `--data`), and {@link HttpHrPort} over the REST API
 * (`docs/api-surface.md`) for a connector running elsewhere.
 */
import type { ContractState, SignerState, TemplateDefinition, WillingnessOption } from '@signet/core';
import type { BundleInfo, Literal } from './hr-mapping.js';

/** A signer of a contract, as the connector follows it. */
export interface SignerSummary {
  id: string;
  kind: 'person' | 'organization';
  role?: string;
  name: string;
  step: number;
  state: SignerState;
  invitedAt?: string;
  signedAt?: string;
  rejectReason?: string;
}

/** A contract, as the connector follows it. */
export interface ContractSummary {
  id: string;
  state: ContractState;
  title: string;
  bizNo?: string;
  signers: SignerSummary[];
  documents: { id: string; name: string }[];
  createdAt: string;
  completedAt?: string;
  /** When it was rejected, revoked, expired or invalidated, and why. */
  endedAt?: string;
  endReason?: string;
  /** The contract's own expiry (合同到期日). */
  expiresAt?: string;
}

/** A bundle with its templates' definitions, when the adapter can read them. */
export type BundleWithDefinitions = BundleInfo & { definitions?: TemplateDefinition[] };

/** What {@link HrSignetPort.launch} creates. */
export interface LaunchRequest {
  bizNo: string;
  title: string;
  bundleId: string;
  vars: Record<string, Literal>;
  company: { enterpriseId: string; name: string; sealId: string; role: string };
  employee: { name: string; mobile: string; role: string; willingness?: WillingnessOption[] };
  /** True: the company signs (step 1) before the employee (step 2); false: after. */
  companyFirst: boolean;
  deadline?: Date;
  expiresAt?: Date;
  labels?: string[];
}

/** A change that may have invited someone: whether an invitation (SMS) was accepted by the message sender. */
export interface Delivered {
  contract: ContractSummary;
  /** The signers an invitation went to in this call. */
  invited: string[];
  /** Whether every one of those invitations was handed to the message sender. */
  delivered: boolean;
}

/** The port. */
export interface HrSignetPort {
  /** The bundle with its templates' roles and variables. NOT_FOUND for another tenant's. */
  bundle(bundleId: string): Promise<BundleWithDefinitions>;
  /** Creates the contract and sends it, or returns the one already created with this bizNo (`created: false`). */
  launch(req: LaunchRequest): Promise<Delivered & { created: boolean }>;
  /** Sends a draft (a launch interrupted between create and send). */
  send(contractId: string): Promise<Delivered>;
  /** Stamps the company seal silently, under the seal's standing authorization. */
  stamp(contractId: string, signerId: string): Promise<Delivered>;
  /** The contract's current status. */
  contract(contractId: string): Promise<ContractSummary>;
  /** A completed document's bytes. */
  download(contractId: string, docId: string): Promise<Uint8Array>;
  /** Where an integrator downloads the document (for write-back links). */
  documentUrl(contractId: string, docId: string): string;
}

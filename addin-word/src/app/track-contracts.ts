/** Tracking: this document's contracts and my recent ones, reminders, and downloads. */
import { AddinError, isAddinError } from '../addin-error.js';
import type { ContractView } from '../api/signet-api.js';
import type { AppDeps } from './app-deps.js';
import { readContractIds } from './contract-ids.js';

/** The two lists of the Track screen. */
export interface Tracked {
  /** Contracts started from this document, newest first (ids the server no longer knows are skipped). */
  thisDocument: ContractView[];
  /** My other recent contracts: sent by me, or with me (or my enterprise) as a party. */
  recent: ContractView[];
}

/** Loads both lists: this document's from its contract ids, the recent ones from my outbox and inbox. */
export async function trackContracts(deps: AppDeps, opts: { limit?: number } = {}): Promise<Tracked> {
  const limit = opts.limit ?? 10;
  const ids = await readContractIds(deps.gateway);
  const [mine, outbox, inbox] = await Promise.all([
    Promise.all(ids.map((id) => deps.api.getContract(id).catch((e: unknown) => {
      if (isAddinError(e, 'NOT_FOUND', 'FORBIDDEN')) return undefined;
      throw e;
    }))),
    deps.api.listContracts('outbox', { limit }),
    deps.api.listContracts('inbox', { limit }),
  ]);
  const thisDocument = mine.filter((c): c is ContractView => c !== undefined);
  const seen = new Set(thisDocument.map((c) => c.id));
  const recent: ContractView[] = [];
  for (const c of [...outbox, ...inbox].sort((a, b) => b.createdAt.localeCompare(a.createdAt))) {
    if (seen.has(c.id)) continue;
    seen.add(c.id);
    recent.push(c);
  }
  return { thisDocument, recent: recent.slice(0, limit) };
}

/**
 * The signers a reminder can go to now: those whose turn it is (the earliest pending step when the
 * steps are known), on a contract being signed that I may remind for (the sender's side).
 */
export function remindable(contract: ContractView): ContractView['signers'] {
  if (contract.state !== 'signing' || (contract.actions && !contract.actions.includes('remind'))) return [];
  const pending = contract.signers.filter((s) => s.state === 'unread' || s.state === 'read');
  if (pending.some((s) => s.step === undefined)) return pending;
  const step = Math.min(...pending.map((s) => s.step!));
  return pending.filter((s) => s.step === step);
}

/** Sends a signer a reminder (a fresh signing link; the older one stops working). */
export function remindSigner(deps: AppDeps, contractId: string, signerId: string): Promise<void> {
  return deps.api.remind(contractId, signerId);
}

/** A download: bytes, file name and media type. */
export interface Download {
  bytes: Uint8Array;
  fileName: string;
  mediaType: string;
}

/** The completed PDFs of a contract, one per document. Throws NOT_COMPLETED before completion. */
export async function downloadSignedPdfs(deps: AppDeps, contract: ContractView): Promise<Download[]> {
  requireCompleted(contract);
  const docs = contract.documents ?? (await deps.api.getContract(contract.id)).documents ?? [];
  return Promise.all(docs.map(async (d) => ({
    bytes: await deps.api.downloadDocument(contract.id, d.id),
    fileName: /\.pdf$/i.test(d.name) ? d.name : `${d.name}.pdf`,
    mediaType: 'application/pdf',
  })));
}

/** The evidence package (zip) of a completed contract. Throws NOT_COMPLETED before completion. */
export async function downloadEvidencePackage(deps: AppDeps, contract: ContractView): Promise<Download> {
  requireCompleted(contract);
  return { bytes: await deps.api.downloadEvidence(contract.id), fileName: `${contract.title}-存证 evidence.zip`, mediaType: 'application/zip' };
}

function requireCompleted(contract: ContractView): void {
  if (contract.state !== 'completed') {
    throw new AddinError('NOT_COMPLETED', '合同尚未签署完成，完成后才能下载。The contract is not complete yet: download it once every signer has signed.');
  }
}

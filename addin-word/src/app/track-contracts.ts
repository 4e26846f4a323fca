/** Tracking: this document's contracts and my recent ones, reminders, and downloads. */
import { AddinError, isAddinError } from '../addin-error.js';
import type { ContractView } from '../api/signet-api.js';
import type { AppDeps } from './app-deps.js';
import { readContractIds } from './contract-ids.js';

/** The two lists of the Track screen. */
export interface Tracked {
  /** Contracts started from this document, newest first (ids the server no longer knows are skipped). */
  thisDocument: ContractView[];
  /** My other recent contracts. */
  recent: ContractView[];
}

/** Loads both lists. */
export async function trackContracts(deps: AppDeps, opts: { limit?: number } = {}): Promise<Tracked> {
  const ids = await readContractIds(deps.gateway);
  const [mine, recent] = await Promise.all([
    Promise.all(ids.map((id) => deps.api.getContract(id).catch((e: unknown) => {
      if (isAddinError(e, 'NOT_FOUND', 'FORBIDDEN')) return undefined;
      throw e;
    }))),
    deps.api.listMyContracts({ limit: opts.limit ?? 10 }),
  ]);
  const thisDocument = mine.filter((c): c is ContractView => c !== undefined);
  const seen = new Set(thisDocument.map((c) => c.id));
  return { thisDocument, recent: recent.filter((c) => !seen.has(c.id)) };
}

/** The signers a reminder can go to now: not yet signed or rejected, on a contract being signed. */
export function remindable(contract: ContractView): ContractView['signers'] {
  if (contract.state !== 'signing') return [];
  return contract.signers.filter((s) => s.state === 'unread' || s.state === 'read');
}

/** Sends a signer a reminder. */
export function remindSigner(deps: AppDeps, contractId: string, signerId: string): Promise<void> {
  return deps.api.remind(contractId, signerId);
}

/** A download: bytes, file name and media type. */
export interface Download {
  bytes: Uint8Array;
  fileName: string;
  mediaType: string;
}

/** The signed PDF of a completed contract. Throws NOT_COMPLETED before completion. */
export async function downloadSignedPdf(deps: AppDeps, contract: ContractView): Promise<Download> {
  requireCompleted(contract);
  return { bytes: await deps.api.downloadSigned(contract.id), fileName: `${contract.title}.pdf`, mediaType: 'application/pdf' };
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

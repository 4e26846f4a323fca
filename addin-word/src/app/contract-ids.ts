/**
 * The contracts started from a document are remembered in the document itself, in the custom
 * property `SignetContractIds` (newest first, comma-separated), so that whoever opens the file
 * later can track them. Word caps a property value at 255 characters; the oldest ids drop off.
 */
import type { OfficeGateway } from '../office/office-gateway.js';

/** The custom document property that holds the contract ids. */
export const CONTRACT_IDS_PROPERTY = 'SignetContractIds';

const MAX_VALUE = 255;

/** The contract ids kept in the document, newest first. */
export async function readContractIds(gateway: OfficeGateway): Promise<string[]> {
  const raw = await gateway.getCustomProperty(CONTRACT_IDS_PROPERTY);
  return raw ? raw.split(',').map((s) => s.trim()).filter(Boolean) : [];
}

/** Puts `contractId` first in the document's list and returns the list as stored. */
export async function rememberContract(gateway: OfficeGateway, contractId: string): Promise<string[]> {
  if (contractId.includes(',')) throw new Error(`A contract id cannot contain a comma: ${contractId}`);
  const ids = [contractId, ...(await readContractIds(gateway)).filter((id) => id !== contractId)];
  const kept: string[] = [];
  let length = -1;
  for (const id of ids) {
    if (length + 1 + id.length > MAX_VALUE) break;
    kept.push(id);
    length += 1 + id.length;
  }
  await gateway.setCustomProperty(CONTRACT_IDS_PROPERTY, kept.join(','));
  return kept;
}

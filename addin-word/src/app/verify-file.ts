/** Verifying a PDF from disk with the server's verifier. */
import { AddinError } from '../addin-error.js';
import type { VerifyReportView } from '../api/signet-api.js';
import type { SignetApi } from '../api/signet-api.js';

/** The largest file the task pane uploads for verification (the server's default upload limit). */
export const MAX_VERIFY_BYTES = 50 * 1024 * 1024;

/** Verifies `bytes`; refuses an empty, oversized or non-PDF file before uploading it. */
export async function verifyFile(api: SignetApi, bytes: Uint8Array, fileName: string): Promise<VerifyReportView> {
  if (bytes.length === 0) throw new AddinError('INVALID_ARGUMENT', `文件为空：${fileName}。The file ${fileName} is empty.`);
  if (bytes.length > MAX_VERIFY_BYTES) {
    throw new AddinError('PAYLOAD_TOO_LARGE', `文件超过 50 MB：${fileName}。${fileName} is larger than 50 MB: verify it with \`npx signet verify\` instead.`);
  }
  const head = String.fromCharCode(...bytes.subarray(0, 1024));
  if (!head.includes('%PDF-')) throw new AddinError('PDF_NOT_PDF', `这不是 PDF 文件：${fileName}。${fileName} is not a PDF: choose a .pdf file.`);
  return api.verify(bytes);
}

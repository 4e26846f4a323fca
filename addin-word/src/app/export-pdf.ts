/**
 * The one way the app functions get the document's bytes for the server: a PDF export. Signet
 * signs PDFs only (ISO 32000-1 §12.8), so where this Word can export only DOCX the action stops
 * before anything is uploaded, and says what to do instead.
 */
import { AddinError } from '../addin-error.js';
import type { OfficeGateway } from '../office/office-gateway.js';

/** The exported PDF. */
export interface ExportedPdf {
  bytes: Uint8Array;
  sliceCount: number;
}

/** The message of {@link exportPdf}'s refusal: why, and the next step. */
export const DOCX_ONLY_MESSAGE = '此版本的 Word 只能导出 DOCX，而 Signet 只签署 PDF，因此未上传任何内容。'
  + '请在 Windows、Mac 或网页版 Word（可导出 PDF）中打开本文档再操作；或在 Word 中“另存为 PDF”，由 Signet 控制台上传该 PDF 发起。'
  + ' This Word can export the document only as DOCX, and Signet signs PDFs only, so nothing was uploaded.'
  + ' Open the document in Word on Windows, Mac or the web (they export PDF) and do this there; or save it as PDF (File › Save As › PDF) and send that PDF from the Signet console.';

/**
 * Exports the document as PDF. Throws OFFICE_UNSUPPORTED (`details.format: 'docx'`) with
 * {@link DOCX_ONLY_MESSAGE} when this Word cannot export PDF (requirement set PdfFile 1.1),
 * checked before exporting when the host says so, and again on what the export produced.
 */
export async function exportPdf(gateway: OfficeGateway): Promise<ExportedPdf> {
  const refuse = () => new AddinError('OFFICE_UNSUPPORTED', DOCX_ONLY_MESSAGE, { details: { format: 'docx' } });
  if (!gateway.hostInfo().pdfExport) throw refuse();
  const exported = await gateway.exportDocument();
  if (exported.format !== 'pdf') throw refuse();
  return { bytes: exported.bytes, sliceCount: exported.sliceCount };
}

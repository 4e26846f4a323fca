/**
 * The one way the app functions get the document's bytes for the server: a PDF export. Signet
 * signs PDFs only (ISO 32000-1 §12.8), so where this Word can export only DOCX the action stops
 * before anything is uploaded, says so, and offers the DOCX export instead
 * ({@link exportDocxFallback}): the user saves it, turns it into a PDF, and sends that PDF from
 * the Signet console.
 */
import { AddinError, isAddinError } from '../addin-error.js';
import type { OfficeGateway } from '../office/office-gateway.js';

/** The exported PDF. */
export interface ExportedPdf {
  bytes: Uint8Array;
  sliceCount: number;
}

/** The message of {@link exportPdf}'s refusal: why, and the next step. */
export const DOCX_ONLY_MESSAGE = '此版本的 Word 只能导出 DOCX，而 Signet 只签署 PDF，因此未上传任何内容。'
  + '请在 Windows、Mac 或网页版 Word（可导出 PDF）中打开本文档再操作；或点击下方“导出 DOCX”保存文档，转换为 PDF 后在 Signet 控制台上传发起。'
  + ' This Word can export the document only as DOCX, and Signet signs PDFs only, so nothing was uploaded.'
  + ' Open the document in Word on Windows, Mac or the web (they export PDF) and do this there; or use "Export DOCX" below, turn that file into a PDF, and send the PDF from the Signet console.';

/** The media type of a DOCX file. */
export const DOCX_MEDIA_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

/** A file for the user to save. */
export interface ExportedFile {
  bytes: Uint8Array;
  fileName: string;
  mediaType: string;
  format: 'pdf' | 'docx';
  /** Why it is DOCX (zh-CN, then English), from the gateway. */
  fallbackReason?: string;
}

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

/** Whether `e` is {@link exportPdf}'s refusal of a Word that exports only DOCX. */
export function isDocxOnly(e: unknown): boolean {
  return isAddinError(e, 'OFFICE_UNSUPPORTED') && e.details?.format === 'docx';
}

/**
 * The DOCX fallback: exports the document (slices, always closed) as Word can, DOCX where it
 * cannot export PDF, as a file to save under the document's title. Nothing goes to the server.
 */
export async function exportDocxFallback(gateway: OfficeGateway): Promise<ExportedFile> {
  const exported = await gateway.exportDocument();
  const title = (await gateway.documentTitle()).trim().replace(/[\\/:*?"<>|]+/g, '_') || 'document';
  return {
    bytes: exported.bytes,
    format: exported.format,
    fileName: `${title}.${exported.format}`,
    mediaType: exported.format === 'pdf' ? 'application/pdf' : DOCX_MEDIA_TYPE,
    ...(exported.fallbackReason ? { fallbackReason: exported.fallbackReason } : {}),
  };
}

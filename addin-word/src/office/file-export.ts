/**
 * Reads a whole document through Office's file API: `Document.getFileAsync(type, { sliceSize })`,
 * then `File.getSliceAsync(i)` for every slice in order, then `File.closeAsync()`, which runs on
 * every path, failures included. Office keeps at most two files open per document, so a file
 * left open makes every later export fail until the document is reopened.
 */
import { AddinError } from '../addin-error.js';

/** Office's largest slice, 4 MiB (the default of `getFileAsync`). */
export const MAX_SLICE_SIZE = 4 * 1024 * 1024;

/** The parts of the `Office` namespace file reading needs (injected, so tests can fake them). */
export interface OfficeFileApi {
  AsyncResultStatus: { Succeeded: Office.AsyncResultStatus };
}

/** Where the file comes from: `Office.context.document`. */
export type FileSource = Pick<Office.Document, 'getFileAsync'>;

/** The bytes of a file, and how many slices they came in. */
export interface ReadFile {
  bytes: Uint8Array;
  sliceCount: number;
}

/**
 * The stage at which reading failed, in `AddinError.details.stage`: `open` (getFileAsync; nothing
 * to close) or `slice` (getSliceAsync, or the slices disagree with the file size).
 */
export type ReadStage = 'open' | 'slice';

/**
 * Reads the document as `fileType` and returns its bytes, reassembled in slice order. Throws
 * OFFICE_EXPORT_FAILED naming the stage; the file is closed whatever happens once it is open.
 */
export async function readFileInSlices(source: FileSource, office: OfficeFileApi, fileType: Office.FileType, sliceSize = MAX_SLICE_SIZE): Promise<ReadFile> {
  if (!Number.isInteger(sliceSize) || sliceSize < 1 || sliceSize > MAX_SLICE_SIZE) {
    throw new AddinError('INVALID_ARGUMENT', `分片大小须为 1 至 ${MAX_SLICE_SIZE} 字节。The slice size must be an integer from 1 to ${MAX_SLICE_SIZE} bytes, not ${sliceSize}.`);
  }
  const ok = office.AsyncResultStatus.Succeeded;
  const file = await new Promise<Office.File>((resolve, reject) => {
    source.getFileAsync(fileType, { sliceSize }, (r) => {
      if (r.status === ok) resolve(r.value);
      else reject(exportError('open', 'getFileAsync', r.error));
    });
  });
  try {
    const size = file.size;
    const count = file.sliceCount;
    const bytes = new Uint8Array(size);
    let offset = 0;
    for (let i = 0; i < count; i++) {
      const slice = await new Promise<Office.Slice>((resolve, reject) => {
        file.getSliceAsync(i, (r) => {
          if (r.status === ok) resolve(r.value);
          else reject(exportError('slice', `getSliceAsync(${i})`, r.error));
        });
      });
      const data = sliceBytes(slice.data, i);
      if (offset + data.length > size) {
        throw new AddinError('OFFICE_EXPORT_FAILED', `导出的文件大小不一致，请保存文档后重试。Slice ${i} runs past the file's ${size} bytes: save the document and export again.`, { details: { stage: 'slice' } });
      }
      bytes.set(data, offset);
      offset += data.length;
    }
    if (offset !== size) {
      throw new AddinError('OFFICE_EXPORT_FAILED', `导出的文件不完整，请保存文档后重试。The slices hold ${offset} of the file's ${size} bytes: save the document and export again.`, { details: { stage: 'slice' } });
    }
    return { bytes, sliceCount: count };
  } finally {
    await closeQuietly(file);
  }
}

/** Closes the file; a failing close never hides the bytes already read or the original error. */
function closeQuietly(file: Office.File): Promise<void> {
  return new Promise((resolve) => {
    try {
      file.closeAsync(() => resolve());
    } catch {
      resolve();
    }
  });
}

/** A slice's bytes: Office hands PDF and DOCX slices over as arrays of byte values. */
function sliceBytes(data: unknown, index: number): Uint8Array | ArrayLike<number> {
  if (data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (Array.isArray(data)) return data as number[];
  throw new AddinError('OFFICE_EXPORT_FAILED', `Word 返回的分片格式无法识别。Slice ${index} is not binary data (${typeof data}): export as PDF or DOCX, not text.`, { details: { stage: 'slice' } });
}

function exportError(stage: ReadStage, call: string, error: Office.Error | undefined): AddinError {
  const what = error ? `${error.code} ${error.message}` : 'no error given';
  return new AddinError('OFFICE_EXPORT_FAILED', `Word 无法导出文档（${call}：${what}）。请保存文档后重试。Word could not export the document (${call}: ${what}): save the document and retry.`, {
    details: { stage, call, officeCode: error?.code },
  });
}

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { isAddinError } from '../addin-error.js';
import { MAX_SLICE_SIZE, readFileInSlices, type FileSource, type OfficeFileApi } from './file-export.js';

/** Office's runtime values for the enums the reader compares with. */
const office = { AsyncResultStatus: { Succeeded: 'succeeded' } } as unknown as OfficeFileApi;
const PDF = 'pdf' as unknown as Office.FileType;

interface FakeFileOptions {
  /** Fail getSliceAsync for this index. */
  failSlice?: number;
  /** Hand slices over as Uint8Array instead of number[]. */
  typed?: boolean;
  /** Report a size that the slices do not add up to. */
  lieAboutSize?: number;
  /** Fail getFileAsync itself. */
  failOpen?: boolean;
}

/** A hand-written getFileAsync/getSliceAsync/closeAsync over `bytes`, recording every call. */
function fakeDocument(bytes: Uint8Array, opts: FakeFileOptions = {}) {
  const calls: string[] = [];
  let openFiles = 0;
  const source: FileSource = {
    getFileAsync(fileType: Office.FileType, options: Office.GetFileOptions | ((r: Office.AsyncResult<Office.File>) => void) | undefined, cb?: (r: Office.AsyncResult<Office.File>) => void) {
      const sliceSize = (options as Office.GetFileOptions).sliceSize!;
      calls.push(`getFileAsync(${String(fileType)}, ${sliceSize})`);
      if (opts.failOpen) {
        setTimeout(() => cb!({ status: 'failed', error: { code: 5001, message: 'An internal error has occurred.', name: 'Internal Error' } } as unknown as Office.AsyncResult<Office.File>));
        return;
      }
      openFiles++;
      const sliceCount = Math.ceil(bytes.length / sliceSize);
      const file = {
        size: opts.lieAboutSize ?? bytes.length,
        sliceCount,
        getSliceAsync(index: number, scb: (r: Office.AsyncResult<Office.Slice>) => void) {
          calls.push(`getSliceAsync(${index})`);
          setTimeout(() => {
            if (index === opts.failSlice) {
              scb({ status: 'failed', error: { code: 5002, message: 'The slice could not be read.', name: 'Slice Error' } } as unknown as Office.AsyncResult<Office.Slice>);
              return;
            }
            const part = bytes.subarray(index * sliceSize, (index + 1) * sliceSize);
            scb({ status: 'succeeded', value: { index, size: part.length, data: opts.typed ? part.slice() : Array.from(part) } } as unknown as Office.AsyncResult<Office.Slice>);
          });
        },
        closeAsync(ccb?: (r: Office.AsyncResult<void>) => void) {
          calls.push('closeAsync');
          openFiles--;
          setTimeout(() => ccb?.({ status: 'succeeded' } as unknown as Office.AsyncResult<void>));
        },
      };
      setTimeout(() => cb!({ status: 'succeeded', value: file } as unknown as Office.AsyncResult<Office.File>));
    },
  } as FileSource;
  return { source, calls, openFiles: () => openFiles };
}

describe('readFileInSlices', () => {
  it('reassembles a multi-slice file byte for byte, reading the slices in order, then closes it', async () => {
    const bytes = randomBytes(10_000);
    const doc = fakeDocument(bytes);
    const r = await readFileInSlices(doc.source, office, PDF, 4096);
    assert.equal(r.sliceCount, 3);
    assert.deepEqual(Buffer.from(r.bytes), bytes);
    assert.deepEqual(doc.calls, ['getFileAsync(pdf, 4096)', 'getSliceAsync(0)', 'getSliceAsync(1)', 'getSliceAsync(2)', 'closeAsync']);
    assert.equal(doc.openFiles(), 0);
  });

  it('accepts slices handed over as typed arrays as well as arrays of byte values', async () => {
    const bytes = randomBytes(5000);
    const r = await readFileInSlices(fakeDocument(bytes, { typed: true }).source, office, PDF, 1000);
    assert.deepEqual(Buffer.from(r.bytes), bytes);
  });

  it('reads a file smaller than one slice in a single slice with the default 4 MiB slice size', async () => {
    const bytes = randomBytes(300);
    const doc = fakeDocument(bytes);
    const r = await readFileInSlices(doc.source, office, PDF);
    assert.equal(r.sliceCount, 1);
    assert.equal(doc.calls[0], `getFileAsync(pdf, ${MAX_SLICE_SIZE})`);
  });

  it('closes the file when a slice fails, and reports the failing call', async () => {
    const doc = fakeDocument(randomBytes(10_000), { failSlice: 1 });
    await assert.rejects(readFileInSlices(doc.source, office, PDF, 4096), (e: unknown) => {
      assert.ok(isAddinError(e, 'OFFICE_EXPORT_FAILED'));
      assert.equal(e.details?.stage, 'slice');
      assert.match(e.message, /getSliceAsync\(1\)/);
      assert.match(e.message, /5002/);
      return true;
    });
    assert.deepEqual(doc.calls, ['getFileAsync(pdf, 4096)', 'getSliceAsync(0)', 'getSliceAsync(1)', 'closeAsync']);
    assert.equal(doc.openFiles(), 0);
  });

  it('closes the file and refuses the bytes when the slices do not add up to the file size', async () => {
    const doc = fakeDocument(randomBytes(5000), { lieAboutSize: 6000 });
    await assert.rejects(readFileInSlices(doc.source, office, PDF, 4096), (e: unknown) => isAddinError(e, 'OFFICE_EXPORT_FAILED') && /5000 of the file's 6000 bytes/.test(e.message));
    assert.equal(doc.openFiles(), 0);
  });

  it('reports a refused getFileAsync as the open stage, with nothing to close', async () => {
    const doc = fakeDocument(randomBytes(10), { failOpen: true });
    await assert.rejects(readFileInSlices(doc.source, office, PDF), (e: unknown) => isAddinError(e, 'OFFICE_EXPORT_FAILED') && e.details?.stage === 'open' && e.details?.officeCode === 5001);
    assert.deepEqual(doc.calls, [`getFileAsync(pdf, ${MAX_SLICE_SIZE})`]);
  });

  it('refuses a slice size Office does not accept before calling Office', async () => {
    const doc = fakeDocument(randomBytes(10));
    for (const bad of [0, 4 * 1024 * 1024 + 1, 1.5]) {
      await assert.rejects(readFileInSlices(doc.source, office, PDF, bad), (e: unknown) => isAddinError(e, 'INVALID_ARGUMENT'));
    }
    assert.deepEqual(doc.calls, []);
  });
});

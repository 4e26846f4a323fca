import assert from 'node:assert/strict';
import { PNG } from 'pngjs';
import { isSignetError } from '../errors.js';
import { PdfDict, PdfRef, PdfStream, type PdfObject } from './objects.js';
import { imageFromBytes, imageGraphic } from './image.js';

class MemorySink {
  next = 1;
  readonly objects = new Map<number, PdfObject>();
  allocate(): PdfRef { return PdfRef.of(this.next++); }
  set(ref: PdfRef, obj: PdfObject): void { this.objects.set(ref.num, obj); }
}

/** A red seal disc on white paper with a pink anti-aliased rim, optionally with its own alpha. */
function scannedSeal(withAlpha = false): Uint8Array {
  const png = new PNG({ width: 4, height: 1 });
  const px = [[230, 0, 18, 255], [243, 128, 136, 255], [250, 250, 250, 255], [230, 0, 18, withAlpha ? 128 : 255]];
  px.forEach((p, i) => png.data.set(p, i * 4));
  return PNG.sync.write(png);
}

/** A minimal baseline JPEG header (SOI, SOF0 for 3 × 2 px, 3 components); enough to be embedded. */
function jpegHeader(): Uint8Array {
  return Uint8Array.from([0xff, 0xd8, 0xff, 0xc0, 0x00, 0x11, 0x08, 0x00, 0x02, 0x00, 0x03, 0x03, 1, 0x11, 0, 2, 0x11, 0, 3, 0x11, 0, 0xff, 0xd9]);
}

describe('pdf/imageFromBytes()', () => {
  it('keeps PNG transparency as a soft mask', () => {
    const img = imageFromBytes(scannedSeal(true));
    assert.ok(img.smask, 'alpha becomes an /SMask');
    assert.deepEqual([...img.smask!.decode()], [255, 255, 255, 128]);
  });

  it('takes alpha from whiteness with a threshold and keeps the ink colour of anti-aliased edges', () => {
    const img = imageFromBytes(scannedSeal(), { removeWhiteBackground: true });
    const a = [...img.smask!.decode()];
    const rgb = [...img.image.decode()];
    assert.equal(a[0], 255, 'full ink stays opaque');
    assert.ok(a[1] > 100 && a[1] < 160, `the pink rim is half transparent (${a[1]})`);
    assert.equal(a[2], 0, 'near-white paper (250 ≥ 235) disappears');
    // The rim's colour is un-mixed from the paper: red again, not pink.
    assert.ok(rgb[3] > 200 && rgb[4] < 40 && rgb[5] < 60, `rim colour ${rgb.slice(3, 6)}`);
    const strict = imageFromBytes(scannedSeal(), { removeWhiteBackground: true, whiteThreshold: 255 });
    assert.ok(strict.smask!.decode()[2] > 0, 'with threshold 255 only pure white goes');
  });

  it('passes JPEG through with DCTDecode, and refuses other formats with IMAGE_INVALID', () => {
    const j = imageFromBytes(jpegHeader());
    assert.equal(j.image.dict.getName('Filter'), 'DCTDecode');
    assert.deepEqual([j.width, j.height], [3, 2]);
    assert.throws(() => imageFromBytes(Buffer.from('GIF89a')), (e) => isSignetError(e, 'IMAGE_INVALID'));
    assert.throws(() => imageFromBytes(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0, 1, 2])), (e) => isSignetError(e, 'IMAGE_INVALID') && /cannot be decoded/.test(e.message));
    // A 100 000 × 100 000 header is refused before anything is decoded.
    const huge = Buffer.from(scannedSeal());
    huge.writeUInt32BE(100_000, 16);
    huge.writeUInt32BE(100_000, 20);
    assert.throws(() => imageFromBytes(huge), (e) => isSignetError(e, 'IMAGE_INVALID') && /scale it down/.test(e.message));
  });
});

describe('pdf/imageGraphic()', () => {
  it('wraps the image in a form XObject with its soft mask, sized at 96 dpi', () => {
    const sink = new MemorySink();
    const g = imageGraphic(scannedSeal(true));
    assert.deepEqual([g.width, g.height], [3, 0.75]);
    const form = sink.objects.get(g.toXObject(sink).num) as PdfStream;
    assert.equal(form.dict.getName('Subtype'), 'Form');
    const im = sink.objects.get(((form.dict.get('Resources') as PdfDict).get('XObject') as PdfDict).getRef('Im0')!.num) as PdfStream;
    assert.ok(im.dict.get('SMask') instanceof PdfRef);
  });

  it('removes a JPEG\'s white paper by multiplying it onto the page', () => {
    const sink = new MemorySink();
    const g = imageGraphic(jpegHeader(), { removeWhiteBackground: true });
    const form = sink.objects.get(g.toXObject(sink).num) as PdfStream;
    const gs = ((form.dict.get('Resources') as PdfDict).get('ExtGState') as PdfDict).get('GS0') as PdfDict;
    assert.equal(gs.getName('BM'), 'Multiply');
    assert.match(new TextDecoder().decode(form.decode()), /^\/GS0 gs /);
  });
});

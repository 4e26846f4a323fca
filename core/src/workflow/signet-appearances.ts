/**
 * The production seams of the workflow: appearances drawn by the seal module (generated seals,
 * uploaded seal images, handwriting, a default personal seal) and anchors found by the positioning
 * module. Both are pure functions of their inputs; fonts are handed in as bytes.
 */
import { SignatureAppearance, type AppearanceProvider } from '../pdf/appearance.js';
import { drawingGraphic, generateSeal, defaultSealFor, handwriting as handwritingDrawing, sealImage, type Drawing, type SealSpec } from '../seal/index.js';
import { findText } from '../position/find-text.js';
import { placeAtAnchor } from '../position/place-at-anchor.js';
import type { AnchorLocator, AnchorSpec } from './anchor-locator.js';
import type { AppearanceFactory, AppearanceRequest } from './appearance-factory.js';

/**
 * An {@link AppearanceFactory} that draws what a Chinese contract shows: an organization's seal
 * (generated from its spec, or its uploaded image with the white background removed), a person's
 * handwriting when they drew one, and otherwise the person's generated square seal (张三之印) with
 * the name and signing time set in `font` beside it when the widget is wide enough.
 */
export function sealAppearanceFactory(opts: { font: Uint8Array; latinFont?: Uint8Array }): AppearanceFactory {
  const style = { font: opts.font, latinFont: opts.latinFont };
  // A seal's drawing depends only on its spec (or the signer's kind and name): it is drawn once and
  // reused, and so is its compressed XObject (drawingGraphic caches it per drawing).
  const drawings = new Map<string, Drawing>();
  const drawn = (key: string, draw: () => Drawing): Drawing => {
    let d = drawings.get(key);
    if (!d) {
      d = draw();
      if (drawings.size >= 512) drawings.delete(drawings.keys().next().value!);
      drawings.set(key, d);
    }
    return d;
  };
  return (req: AppearanceRequest): AppearanceProvider => {
    const { seal, handwriting, signer } = req;
    if (seal?.image) return new SignatureAppearance({ graphic: sealImage(seal.image, { removeWhiteBackground: true }), text: false, font: opts.font });
    if (seal?.record.spec) {
      const spec = seal.record.spec;
      const d = drawn(`spec:${JSON.stringify(spec)}`, () => generateSeal({ ...spec, ...style } as unknown as SealSpec));
      return new SignatureAppearance({ graphic: drawingGraphic(d), text: false, font: opts.font });
    }
    if (handwriting?.strokes?.length) return new SignatureAppearance({ graphic: drawingGraphic(handwritingDrawing(handwriting.strokes)), font: opts.font });
    if (handwriting?.image) return new SignatureAppearance({ graphic: sealImage(handwriting.image, { removeWhiteBackground: true }), font: opts.font });
    const d = drawn(`default:${signer.kind}:${signer.name}`, () => defaultSealFor({ kind: signer.kind, name: signer.name }, style));
    return new SignatureAppearance({ graphic: drawingGraphic(d), text: signer.kind === 'person' ? 'auto' : false, font: opts.font });
  };
}

/**
 * An {@link AnchorLocator} over pdf.js text search: the field's lower-left corner sits at the
 * anchor's lower-left corner plus the offsets (as displayed), moved back onto the page if needed.
 */
export const textAnchorLocator: AnchorLocator = {
  async locate(pdf: Uint8Array, anchor: AnchorSpec) {
    const hits = await findText(pdf, anchor.text, { occurrence: anchor.occurrence ?? 'first' });
    const width = anchor.width ?? 150;
    const height = anchor.height ?? 60;
    return hits.map((hit) => ({
      page: hit.page,
      rect: placeAtAnchor(hit, { width, height, placement: 'below', offsetX: anchor.offsetX ?? 0, offsetY: height + (anchor.offsetY ?? 0) }),
    }));
  },
};

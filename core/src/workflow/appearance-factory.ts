/**
 * The seam to the seal module (`core/src/seal/`): what a signature looks like. The workflow asks an
 * {@link AppearanceFactory} for each signature's {@link AppearanceProvider}; the default draws the
 * signer's name and time with the seal or handwriting image, if any, beside it.
 */
import { TextAppearance, type AppearanceProvider } from '../pdf/appearance.js';
import type { ContractSigner } from './contract.js';
import type { SealRecord } from './seal-record.js';

/** One point of a handwritten stroke, as pointer events or a canvas give it. */
export interface HandwritingPoint {
  x: number;
  y: number;
  /** Milliseconds since the stroke began. */
  t?: number;
  /** 0..1. */
  pressure?: number;
}

/** A handwritten signature: stroke data, or an image (PNG or JPEG) of it. */
export interface Handwriting {
  strokes?: HandwritingPoint[][];
  image?: Uint8Array;
}

/** What an appearance may draw for one signature. */
export interface AppearanceRequest {
  signer: Pick<ContractSigner, 'id' | 'kind' | 'name'>;
  /** The organization's seal, with its image bytes when it is an uploaded one. */
  seal?: { record: SealRecord; image?: Uint8Array };
  handwriting?: Handwriting;
}

/** Builds the appearance of one signature. */
export type AppearanceFactory = (signature: AppearanceRequest) => AppearanceProvider;

/** The default appearance: {@link TextAppearance} with the uploaded seal image or handwriting image, if any. */
export const defaultAppearanceFor: AppearanceFactory = ({ seal, handwriting }) =>
  new TextAppearance({ image: seal?.image ?? handwriting?.image, removeWhiteBackground: !!seal?.image });

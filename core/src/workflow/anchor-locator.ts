/**
 * The seam to the positioning module (`core/src/position/`): signature fields given by an anchor
 * text instead of a page and rectangle.
 */
import type { Rect } from '../pdf/acroform.js';

/** A field placed relative to a text in the document (e.g. `signet:sign:partyA`, or 甲方（盖章）). */
export interface AnchorSpec {
  text: string;
  /** Offset of the field from the anchor's lower-left corner, in points. */
  offsetX?: number;
  offsetY?: number;
  /** Field size in points (default 150 × 60). */
  width?: number;
  height?: number;
  /** Place at the first occurrence (default) or at every one. */
  occurrence?: 'first' | 'all';
}

/** Finds where anchored fields go. */
export interface AnchorLocator {
  /** Every placement of `anchor` in `pdf`, with 1-based pages; an empty list when the text is absent. */
  locate(pdf: Uint8Array, anchor: AnchorSpec): Promise<{ page: number; rect: Rect }[]>;
}

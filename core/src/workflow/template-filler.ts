/**
 * The seam to the template module (`core/src/template/`): filling a template's variables into its
 * base PDF and resolving where each role signs. The workflow takes a {@link TemplateFiller} by
 * injection, so it does not depend on how templates are drawn.
 */
import type { Rect } from '../pdf/acroform.js';
import type { PageFractions } from './contract.js';

/** A resolved signature or seal position of a filled template. */
export interface TemplatePosition {
  /** The signer role that signs here, e.g. `partyA`. */
  role: string;
  kind: 'signature' | 'seal';
  /** 1-based page. */
  page: number;
  rect: Rect;
  /** The rectangle as fractions of the page (from the top-left). */
  fractions: PageFractions;
}

/** A filled, still unsigned document and its signature positions. */
export interface FilledTemplate {
  pdf: Uint8Array;
  positions: TemplatePosition[];
}

/** A bundle as the filler sees it. */
export interface BundleDefinition {
  id: string;
  name: string;
  templateIds: string[];
}

/** Options the workflow passes to the filler. */
export interface TemplateFillOptions {
  /** Bytes of the CJK font to draw values with (parse them once with `FontProgram.load`). */
  font?: Uint8Array;
}

/**
 * Fills templates: `fillTemplate(template, basePdf, vars, { font })` and, when available,
 * `fillBundle(bundle, templatesWithPdfs, vars, { font })`, which validates every template of the
 * bundle before filling any. Without `fillBundle`, the workflow fills the templates one by one.
 */
export interface TemplateFiller {
  fillTemplate(template: unknown, basePdf: Uint8Array, vars: Record<string, unknown>, opts: TemplateFillOptions): FilledTemplate | Promise<FilledTemplate>;
  fillBundle?(
    bundle: BundleDefinition,
    templatesWithPdfs: { template: unknown; basePdf: Uint8Array }[],
    vars: Record<string, unknown>,
    opts: TemplateFillOptions,
  ): FilledTemplate[] | Promise<FilledTemplate[]>;
}

/**
 * Fills a template: checks the definition, the variables and the placement of every field against
 * the base PDF (all problems at once, before anything is drawn), lays out every value, then draws
 * the values with an embedded subset font and returns the unsigned PDF with the positions where
 * each signer signs and seals.
 */
import { SignetError } from '../errors.js';
import { FontProgram } from '../font/font-program.js';
import { FontSubset, type ObjectSink } from '../font/font-subset.js';
import { PdfDict, PdfRef, PdfStream, type PdfObject } from '../pdf/objects.js';
import { findSignatureFields, readDocMdpPermission, type Rect } from '../pdf/acroform.js';
import { PdfReader } from '../pdf/reader.js';
import { IncrementalWriter } from '../pdf/writer.js';
import { formatMatrix, pageFrame, PageContentEditor, userRectToDisplay, type PageFrame } from '../pdf/page-content.js';
import { formatNumber } from '../pdf/serialize.js';
import { extractTextLayer, type TextLayer } from '../position/text-layer.js';
import { searchTextLayer } from '../position/find-text.js';
import { placeAtAnchor } from '../position/place-at-anchor.js';
import { toPageFractions, type FractionRect } from '../position/page-fractions.js';
import {
  isValueField, templateInvalid, validateTemplate, variableOf,
  type TemplateDefinition, type TemplateField, type TemplateProblem, type ValueField,
} from './template-definition.js';
import { displayValue, validateVariables, type TemplateVariables } from './validate-variables.js';
import { fitText, type FittedText } from './fit-text.js';

/** Options of {@link fillTemplate}. */
export interface FillTemplateOptions {
  /**
   * The font values are drawn with, subset-embedded: TrueType/OpenType bytes (parsed once per
   * process) or a loaded program. The server passes `cjkFontBytes()` (Noto Serif SC: CJK and Latin).
   * Required; optional in the type only so that callers holding `{ font?: Uint8Array }` can pass it
   * through (a missing font is INVALID_ARGUMENT).
   */
  font?: Uint8Array | FontProgram;
}

/** Where a signer signs or seals, resolved on the filled PDF. */
export interface ResolvedPosition {
  /** The template field. */
  field: string;
  /** The signer role that signs there. */
  role: string;
  kind: 'signature' | 'seal';
  /** 1-based page. */
  page: number;
  /** The widget rectangle in user space (points), for `signPdf({ page, rect })`. */
  rect: Rect;
  /** The same rectangle as fractions of the displayed page from its top-left, for the evidence page. */
  fractions: FractionRect;
  /** True when the position came from anchor text found in the PDF. */
  anchored: boolean;
}

/** Where a value was drawn. */
export interface FilledField {
  field: string;
  type: ValueField['type'];
  page: number;
  rect: Rect;
  /** The size the text was set at (after shrinking), for text, date and number fields. */
  fontSize?: number;
  lines?: number;
}

/** What {@link fillTemplate} returns. */
export interface FillResult {
  /** The filled, unsigned PDF. */
  pdf: Uint8Array;
  /** Signature and seal positions, in field order (a field anchored at every occurrence appears once per occurrence). */
  positions: ResolvedPosition[];
  /** Every value drawn, in field order. */
  fields: FilledField[];
}

/** A field placed on a page. */
interface Placement {
  field: TemplateField;
  pageIndex: number;
  rect: Rect;
  frame: PageFrame;
  anchored: boolean;
}

/** A template checked against its PDF and variables, laid out and ready to draw. @internal */
export interface FillPlan {
  template: TemplateDefinition;
  reader: PdfReader;
  program: FontProgram;
  placements: Placement[];
  values: Map<string, string | boolean | undefined>;
  layouts: Map<Placement, FittedText>;
}

/** Why a plan could not be made: problems (TEMPLATE_INVALID) or values that do not fit (TEMPLATE_TEXT_OVERFLOW). */
export interface PlanOutcome {
  plan?: FillPlan;
  problems: TemplateProblem[];
  overflows: { template: string; field: string; page: number; minFontSize: number }[];
}

const DEFAULT_SIZE = { signature: { width: 150, height: 50 }, seal: { width: 113, height: 113 } };

/**
 * Fills `template` over `basePdf` with `vars` and returns the filled, unsigned PDF plus the
 * resolved signature and seal positions. Throws, before drawing anything:
 * - TEMPLATE_INVALID with `details.problems` listing every problem in the definition, the
 *   variables, or the placement of fields on the base PDF (pages, rectangles, anchors not found);
 * - TEMPLATE_TEXT_OVERFLOW naming each field whose value does not fit even at its minimum size;
 * - TEMPLATE_BASE_SIGNED for a base PDF that carries a signature, PDF_ENCRYPTED for an encrypted one.
 */
export async function fillTemplate(template: TemplateDefinition | unknown, basePdf: Uint8Array, vars: TemplateVariables, opts: FillTemplateOptions): Promise<FillResult> {
  const outcome = await planFill(template, basePdf, vars, opts);
  throwIfFailed([outcome]);
  return renderFill(outcome.plan!);
}

/** The fill's font, parsed once per process; INVALID_ARGUMENT when none is given. @internal */
export function loadFont(opts: FillTemplateOptions | undefined): FontProgram {
  const font = opts?.font;
  if (font instanceof FontProgram) return font;
  if (!(font instanceof Uint8Array)) throw new SignetError('INVALID_ARGUMENT', 'fillTemplate needs { font }: the bytes of a TrueType/OpenType font with the characters to draw (the server passes cjkFontBytes()).');
  return FontProgram.load(font);
}

/** Throws the TEMPLATE_INVALID or TEMPLATE_TEXT_OVERFLOW error for failed plans. @internal */
export function throwIfFailed(outcomes: PlanOutcome[]): void {
  const problems = outcomes.flatMap((o) => o.problems);
  if (problems.length > 0) throw templateInvalid(summarize(problems), problems);
  const overflows = outcomes.flatMap((o) => o.overflows);
  if (overflows.length > 0) {
    const list = overflows.map((o) => `${o.template} › ${o.field} (page ${o.page})`).join(', ');
    throw new SignetError('TEMPLATE_TEXT_OVERFLOW', `The value does not fit its field even at the minimum font size: ${list}. Shorten the value, enlarge the field's rect, allow multiline, or lower minFontSize.`, { fields: overflows });
  }
}

/**
 * Checks and lays out a fill without drawing: the first phase of {@link fillTemplate}, shared with
 * bundles so that nothing is drawn unless every template can be filled. @internal
 */
export async function planFill(
  input: TemplateDefinition | unknown, basePdf: Uint8Array, vars: TemplateVariables, opts: FillTemplateOptions,
  knownVariables?: ReadonlySet<string>,
): Promise<PlanOutcome> {
  const rawId = (input as { id?: unknown } | null)?.id;
  const id = typeof rawId === 'string' ? rawId : 'template';
  const tag = (ps: TemplateProblem[]) => ps.map((p) => ({ ...p, template: id }));
  const defProblems = validateTemplate(input);
  if (defProblems.length > 0) return { problems: tag(defProblems), overflows: [] };
  const template = input as TemplateDefinition;
  const problems = validateVariables(template, vars, { knownVariables });

  const reader = PdfReader.load(basePdf);
  if (readDocMdpPermission(reader) || findSignatureFields(reader).some((f) => f.signature)) {
    throw new SignetError('TEMPLATE_BASE_SIGNED', `The base PDF of template "${id}" already carries a signature; filling it would break or hide that signature. Use the unsigned original as the template's base PDF.`);
  }
  const pageCount = reader.pageCount();
  const placements: Placement[] = [];
  let layer: TextLayer | undefined;
  for (const [i, f] of template.fields.entries()) {
    const path = `/fields/${i}`;
    if (f.anchor === undefined) {
      const page = f.page!;
      if (page > pageCount) {
        problems.push({ code: 'page-out-of-range', field: f.name, path: `${path}/page`, message: `字段 ${f.name} 的页码 ${page} 超出文件页数 ${pageCount} / field "${f.name}" is on page ${page}, but the base PDF has ${pageCount} page(s)` });
        continue;
      }
      const frame = pageFrame(reader.getPage(page - 1));
      const [x1, y1, x2, y2] = frame.box;
      const r = f.rect!;
      const tol = 0.5;
      if (r.x < x1 - tol || r.y < y1 - tol || r.x + r.w > x2 + tol || r.y + r.h > y2 + tol) {
        problems.push({ code: 'rect-off-page', field: f.name, path: `${path}/rect`, message: `字段 ${f.name} 的位置超出第 ${page} 页 / field "${f.name}": rect ${r.x},${r.y},${r.w},${r.h} is not inside page ${page} (visible box ${x1} ${y1} ${x2} ${y2})` });
        continue;
      }
      placements.push({ field: f, pageIndex: page - 1, rect: r, frame, anchored: false });
      continue;
    }
    const a = f.anchor;
    layer ??= await extractTextLayer(basePdf);
    const hits = searchTextLayer(layer, a.text, { occurrence: a.occurrence ?? 'first' });
    if (hits.length === 0) {
      problems.push({ code: 'anchor-not-found', field: f.name, path: `${path}/anchor/text`, message: `字段 ${f.name} 的定位文字“${a.text}”在文件中未找到 / field "${f.name}": anchor text "${a.text}" was not found in the base PDF's text layer` });
      continue;
    }
    const size = f.type === 'signature' || f.type === 'seal' ? DEFAULT_SIZE[f.type] : { width: 0, height: 0 };
    for (const hit of hits) {
      try {
        const rect = placeAtAnchor(hit, {
          width: a.width ?? size.width, height: a.height ?? size.height, placement: a.placement, offsetX: a.offsetX, offsetY: a.offsetY,
        });
        placements.push({ field: f, pageIndex: hit.page - 1, rect, frame: pageFrame(reader.getPage(hit.page - 1)), anchored: true });
      } catch (e) {
        if (!(e instanceof SignetError)) throw e;
        problems.push({ code: 'rect-off-page', field: f.name, path: `${path}/anchor`, message: `字段 ${f.name} 按定位文字放置后超出页面 / field "${f.name}": ${e.message}` });
      }
    }
  }
  if (problems.length > 0) return { problems: tag(problems), overflows: [] };

  const program = loadFont(opts);
  const values = new Map<string, string | boolean | undefined>();
  for (const f of template.fields) if (isValueField(f)) values.set(f.name, displayValue(f, vars[variableOf(f)]));
  const layouts = new Map<Placement, FittedText>();
  const overflows: PlanOutcome['overflows'] = [];
  const reportedGlyphs = new Set<string>();
  for (const pl of placements) {
    const f = pl.field;
    if (!isValueField(f) || f.type === 'checkbox') continue;
    const text = values.get(f.name);
    if (typeof text !== 'string' || text.trim() === '') continue;
    if (!program.covers(text.replace(/\n/g, ''))) {
      if (!reportedGlyphs.has(f.name)) {
        reportedGlyphs.add(f.name);
        const missing = [...new Set([...text.replace(/\n/g, '')].filter((ch) => !program.covers(ch)))].join('');
        problems.push({ code: 'unsupported-character', field: f.name, variable: variableOf(f), path: `/vars/${variableOf(f)}`, message: `字段 ${f.name} 含字体不支持的字符“${missing}” / field "${f.name}": the font has no glyph for "${missing}"; remove those characters or use a font that has them` });
      }
      continue;
    }
    const d = userRectToDisplay(pl.frame, pl.rect);
    const fontSize = f.fontSize ?? template.defaults?.fontSize ?? 12;
    const minFontSize = Math.min(f.minFontSize ?? template.defaults?.minFontSize ?? 6, fontSize);
    const fitted = fitText(program, text, {
      width: d.w, height: d.h, fontSize, minFontSize,
      multiline: f.multiline ?? false, lineHeight: f.lineHeight ?? 1.3, align: f.align ?? template.defaults?.align ?? 'left',
    });
    if (!fitted) overflows.push({ template: template.id, field: f.name, page: pl.pageIndex + 1, minFontSize });
    else layouts.set(pl, fitted);
  }
  if (problems.length > 0) return { problems: tag(problems), overflows: [] };
  if (overflows.length > 0) return { problems: [], overflows };
  return { plan: { template, reader, program, placements, values, layouts }, problems: [], overflows: [] };
}

/** Draws a plan made by {@link planFill}; the second phase of {@link fillTemplate}. @internal */
export function renderFill(plan: FillPlan): FillResult {
  return renderFills([plan])[0];
}

/**
 * A subset font drawn into several documents: the glyphs of all of them are subset and encoded
 * once (the costly part of a fill), its objects captured here and copied into each document's
 * update under that document's own object numbers.
 */
class SharedSubset {
  readonly subset: FontSubset;
  private readonly objects = new Map<PdfRef, PdfObject>();
  private next = 1;

  constructor(program: FontProgram) {
    const sink: ObjectSink = {
      allocate: () => PdfRef.of(this.next++),
      set: (ref, obj) => {
        this.objects.set(ref, obj);
      },
    };
    this.subset = new FontSubset(program, sink);
  }

  /** Writes the finished font's objects into `writer`; returns the font's reference there. */
  embed(writer: IncrementalWriter): PdfRef {
    const root = this.subset.finish();
    const refs = new Map<PdfRef, PdfRef>();
    for (const r of this.objects.keys()) refs.set(r, writer.allocate());
    const remap = (o: PdfObject): PdfObject => {
      if (o instanceof PdfRef) return refs.get(o) ?? o;
      if (Array.isArray(o)) return o.map(remap);
      if (o instanceof PdfDict) return new PdfDict(o.entries().map(([k, v]) => [k, remap(v)] as [string, PdfObject]));
      if (o instanceof PdfStream) return new PdfStream(remap(o.dict) as PdfDict, o.raw);
      return o;
    };
    for (const [r, obj] of this.objects) writer.set(refs.get(r)!, remap(obj));
    return refs.get(root)!;
  }
}

/**
 * Draws plans made by {@link planFill} (the documents of one bundle): each document is its own
 * incremental update over its base, and all of them share one font subset with the glyphs of every
 * value, encoded once. @internal
 */
export function renderFills(plans: FillPlan[]): FillResult[] {
  const shared = new Map<FontProgram, SharedSubset>();
  // First pass: every line of text of every document goes through its program's one subset.
  const encoded = plans.map((plan) => {
    const byPlacement = new Map<Placement, string[]>();
    for (const pl of plan.placements) {
      const layout = plan.layouts.get(pl);
      if (!layout || pl.field.type === 'signature' || pl.field.type === 'seal' || pl.field.type === 'checkbox') continue;
      let s = shared.get(plan.program);
      if (!s) shared.set(plan.program, (s = new SharedSubset(plan.program)));
      byPlacement.set(pl, layout.lines.map((line) => s.subset.encode(line.text)));
    }
    return byPlacement;
  });
  return plans.map((plan, i) => renderOne(plan, encoded[i], shared.get(plan.program)));
}

function renderOne(plan: FillPlan, encoded: Map<Placement, string[]>, shared: SharedSubset | undefined): FillResult {
  const { reader, placements, values, layouts } = plan;
  // An incremental update over the base: the base bytes are copied, not re-serialised, so filling
  // costs only the new objects, and anything in the base that Signet does not model survives intact.
  const writer = new IncrementalWriter(reader);
  const editor = new PageContentEditor(reader, writer);
  let fontRef: PdfRef | undefined;
  const positions: ResolvedPosition[] = [];
  const fields: FilledField[] = [];
  for (const pl of placements) {
    const f = pl.field;
    if (f.type === 'signature' || f.type === 'seal') {
      positions.push({ field: f.name, role: f.role, kind: f.type, page: pl.pageIndex + 1, rect: pl.rect, fractions: toPageFractions(pl.frame, pl.rect), anchored: pl.anchored });
      continue;
    }
    const value = values.get(f.name);
    const d = userRectToDisplay(pl.frame, pl.rect);
    // Field-local display coordinates: origin at the field's bottom-left as the reader sees it.
    const open = `q ${formatMatrix(pl.frame.toUser)} cm 1 0 0 1 ${n(d.x)} ${n(d.y)} cm 0 0 ${n(d.w)} ${n(d.h)} re W n\n`;
    if (f.type === 'checkbox') {
      if (value === true) {
        editor.append(pl.pageIndex, open + checkMark(d.w, d.h, f.mark ?? 'check', f.color) + 'Q');
        fields.push({ field: f.name, type: f.type, page: pl.pageIndex + 1, rect: pl.rect });
      }
      continue;
    }
    const layout = layouts.get(pl);
    const hex = encoded.get(pl);
    if (!layout || !hex || !shared) continue;
    fontRef ??= shared.embed(writer);
    const font = editor.resource(pl.pageIndex, 'Font', fontRef);
    let ops = `${open}BT /${font} ${n(layout.size)} Tf ${rgb(f.color)} rg\n`;
    layout.lines.forEach((line, j) => {
      ops += `1 0 0 1 ${n(line.x)} ${n(line.y)} Tm ${hex[j]} Tj\n`;
    });
    ops += 'ET Q';
    editor.append(pl.pageIndex, ops);
    fields.push({ field: f.name, type: f.type, page: pl.pageIndex + 1, rect: pl.rect, fontSize: layout.size, lines: layout.lines.length });
  }
  editor.finish();
  return { pdf: writer.write().bytes, positions, fields };
}

const DEFINITION_CODES = new Set<TemplateProblem['code']>(['invalid-template', 'invalid-field', 'duplicate-field', 'conflicting-variable', 'missing-template']);

function summarize(problems: TemplateProblem[]): string {
  if (problems.every((p) => DEFINITION_CODES.has(p.code))) return 'The template definition is invalid';
  if (problems.every((p) => p.path.startsWith('/vars'))) return 'The variables do not fit the template';
  if (problems.every((p) => !p.path.startsWith('/vars'))) return 'The template does not fit its base PDF';
  return 'The template cannot be filled';
}

function n(v: number): string {
  return formatNumber(Math.round(v * 1000) / 1000);
}

function rgb(color: string | undefined): string {
  if (!color) return '0 0 0';
  const v = parseInt(color.slice(1), 16);
  return [(v >> 16) & 255, (v >> 8) & 255, v & 255].map((c) => n(c / 255)).join(' ');
}

/** A check mark (✓) or a cross (✗) as stroked vector paths, centred in a w×h box. */
function checkMark(w: number, h: number, mark: 'check' | 'cross', color: string | undefined): string {
  const s = Math.min(w, h);
  const ox = (w - s) / 2;
  const oy = (h - s) / 2;
  const p = (x: number, y: number) => `${n(ox + x * s)} ${n(oy + y * s)}`;
  const lw = n(Math.max(0.6, s * 0.11));
  const head = `${rgb(color)} RG ${lw} w 1 J 1 j\n`;
  if (mark === 'cross') return `${head}${p(0.22, 0.22)} m ${p(0.78, 0.78)} l S ${p(0.22, 0.78)} m ${p(0.78, 0.22)} l S\n`;
  return `${head}${p(0.18, 0.52)} m ${p(0.41, 0.27)} l ${p(0.83, 0.78)} l S\n`;
}

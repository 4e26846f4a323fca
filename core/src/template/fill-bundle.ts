/**
 * Contract bundles (合同组合): several templates filled from one set of variables, e.g. a labor
 * contract, an NDA and an employee handbook acknowledgement. All are checked and laid out before
 * any is drawn, so a bundle is filled completely or not at all.
 */
import { SignetError } from '../errors.js';
import { templateInvalid, type TemplateDefinition, type TemplateProblem } from './template-definition.js';
import { describeVariables, type TemplateVariables } from './validate-variables.js';
import { loadFont, planFill, renderFills, throwIfFailed, type FillResult, type FillTemplateOptions, type PlanOutcome } from './fill-template.js';

/** A bundle: an ordered list of template ids. JSON-serialisable. */
export interface TemplateBundle {
  id: string;
  /** Display name, e.g. `入职合同组合 Onboarding bundle`. */
  name: string;
  /** Template ids, in the order the documents are filled and signed. */
  templateIds: string[];
}

/** A template (validated when filled) with its base PDF's bytes. */
export interface TemplateWithPdf {
  template: TemplateDefinition | unknown;
  basePdf: Uint8Array;
}

/** One filled document of a bundle. */
export interface BundleDocument extends FillResult {
  /** The template's id and name. */
  template: string;
  name: string;
}

/** Checks that `value` is a well-formed {@link TemplateBundle}; returns every problem (empty when valid). */
export function validateBundle(value: unknown): TemplateProblem[] {
  const problems: TemplateProblem[] = [];
  const bad = (path: string, message: string) => problems.push({ code: 'invalid-template', path, message });
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [{ code: 'invalid-template', path: '', message: '合同组合必须是 JSON 对象 / the bundle must be a JSON object' }];
  const b = value as Record<string, unknown>;
  for (const key of ['id', 'name']) if (typeof b[key] !== 'string' || !(b[key] as string).trim()) bad(`/${key}`, `合同组合缺少 ${key} / the bundle needs a non-empty "${key}"`);
  if (!Array.isArray(b.templateIds) || b.templateIds.length === 0) bad('/templateIds', '合同组合至少包含一个模板 / "templateIds" must list at least one template id');
  else {
    const seen = new Set<string>();
    b.templateIds.forEach((t, i) => {
      if (typeof t !== 'string' || !t.trim()) bad(`/templateIds/${i}`, `第 ${i + 1} 个模板 id 无效 / template ${i + 1} must be a template id`);
      else if (seen.has(t)) bad(`/templateIds/${i}`, `模板 ${t} 重复 / template "${t}" is listed twice`);
      else seen.add(t);
    });
  }
  return problems;
}

/**
 * Fills every template of `bundle` from the same `vars` and returns one document per template, in
 * bundle order. Validates all of them first (definitions,
 * variables, placements, text fit) and fills none if any fails: TEMPLATE_INVALID lists every problem
 * of every template (each tagged with its template id), TEMPLATE_TEXT_OVERFLOW every field that does
 * not fit. A variable no template reads is reported once.
 */
export async function fillBundle(bundle: TemplateBundle, templates: TemplateWithPdf[], vars: TemplateVariables, opts: FillTemplateOptions): Promise<BundleDocument[]> {
  const bundleProblems = validateBundle(bundle);
  if (bundleProblems.length > 0) throw templateInvalid('The bundle definition is invalid', bundleProblems);
  const byId = new Map(templates.map((t) => [(t.template as { id?: unknown } | null)?.id, t]));
  const problems: TemplateProblem[] = [];
  const members: TemplateWithPdf[] = [];
  bundle.templateIds.forEach((id, i) => {
    const t = byId.get(id);
    if (t) members.push(t);
    else problems.push({ code: 'missing-template', template: id, path: `/templateIds/${i}`, message: `合同组合 ${bundle.id} 引用的模板 ${id} 未提供 / template "${id}" of bundle "${bundle.id}" was not given` });
  });
  if (problems.length > 0) throw templateInvalid(`The bundle "${bundle.id}" cannot be filled`, problems);

  const font = loadFont(opts);
  const all = typeof vars === 'object' && vars !== null ? new Set(Object.keys(vars)) : new Set<string>();
  const outcomes: PlanOutcome[] = [];
  for (const m of members) outcomes.push(await planFill(m.template, m.basePdf, vars, { font }, all));
  const read = new Set<string>();
  for (const m of members) {
    try {
      for (const v of describeVariables(m.template as TemplateDefinition)) read.add(v.name);
    } catch {
      /* an invalid definition is already reported by its plan */
    }
  }
  const unknown: TemplateProblem[] = [...all].filter((k) => !read.has(k)).map((k) => ({
    code: 'unknown-variable', variable: k, template: bundle.id, path: `/vars/${k}`,
    message: `合同组合 ${bundle.id} 的模板都不使用变量 ${k} / no template of bundle "${bundle.id}" has a variable "${k}"; remove it or check its spelling`,
  }));
  throwIfFailed([...outcomes, { problems: unknown, overflows: [] }]);
  const plans = outcomes.map((o) => {
    if (!o.plan) throw new SignetError('INTERNAL', 'A bundle plan is missing after validation; report this.');
    return o.plan;
  });
  // One font subset for the whole bundle: its documents draw mostly the same characters (the
  // employee's name, the company's), so the glyphs are subset and encoded once, not per document.
  return renderFills(plans).map((r, i) => ({ template: plans[i].template.id, name: plans[i].template.name, ...r }));
}

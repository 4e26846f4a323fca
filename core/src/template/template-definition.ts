/**
 * The JSON shape of a template (a base PDF plus typed fields) and its validator. The server stores
 * definitions as-is, the HR connector maps employee data onto their variables, and the Word add-in
 * produces them; everything here is plain JSON data.
 */
import { SignetError } from '../errors.js';
import type { Rect } from '../pdf/acroform.js';
import type { AnchorPlacement } from '../position/place-at-anchor.js';

/** The `schema` value of this version of the format. */
export const TEMPLATE_SCHEMA = 'signet.template.v1';

/** Horizontal alignment of a value inside its field. */
export type TextAlign = 'left' | 'center' | 'right';

/** Positions a field at text found in the base PDF (anchor text or keyword). */
export interface TemplateAnchor {
  /** The text to find; white-space is ignored and NFKC forms compared (see `findText`). */
  text: string;
  /** Which occurrence: the first (default), every one (the field is drawn at each), or the n-th. */
  occurrence?: 'first' | 'all' | number;
  /** Default `right` (after a label); `center` covers the text (keyword signing); `below`. */
  placement?: AnchorPlacement;
  /** Shift in points after placing, x right and y up as displayed. */
  offsetX?: number;
  offsetY?: number;
  /** The field's size in points, as displayed. Required for value fields; signature 150×50 and seal 113×113 (40 mm) by default. */
  width?: number;
  height?: number;
}

/** What every field has. A field is placed by `page` + `rect`, or by `anchor`, never both. */
export interface TemplateFieldBase {
  /** Unique within the template. */
  name: string;
  /** Shown to people filling or signing, e.g. `乙方姓名 Employee name`. */
  label?: string;
  /** 1-based page, with `rect`. */
  page?: number;
  /** Lower-left x, y and size in points, in the page's user space (as `signet sign --rect`). */
  rect?: Rect;
  anchor?: TemplateAnchor;
}

/** What fields that draw a value have. */
export interface ValueFieldBase extends TemplateFieldBase {
  /** The variable the value comes from; defaults to the field name. Several fields may share one. */
  variable?: string;
  /** Default true: a missing value is an error. An optional field without a value draws nothing. */
  required?: boolean;
}

/** How text values are set. */
export interface TemplateTextStyle {
  /** Preferred size in points (default: the template's `defaults.fontSize`, else 12). */
  fontSize?: number;
  /** Text shrinks down to this size to fit (default: `defaults.minFontSize`, else 6), then fails. */
  minFontSize?: number;
  /** Default `left`. */
  align?: TextAlign;
  /** Wrap onto several lines (top-aligned) instead of one line (vertically centred). */
  multiline?: boolean;
  /** Line pitch as a multiple of the font size for multiline fields (default 1.3). */
  lineHeight?: number;
  /** Text colour as `#rrggbb` (default black). */
  color?: string;
}

/** Free text: a string variable. */
export interface TextTemplateField extends ValueFieldBase, TemplateTextStyle {
  type: 'text';
  /** Longest accepted value, in characters. */
  maxLength?: number;
}

/** A date: the variable is an ISO 8601 calendar date `YYYY-MM-DD`. */
export interface DateTemplateField extends ValueFieldBase, TemplateTextStyle {
  type: 'date';
  /** Tokens YYYY, MM, M, DD, D; anything else is literal. Default `YYYY年MM月DD日`. */
  format?: string;
}

/** How a number is written. */
export interface NumberFormat {
  /** Digits after the decimal point (default: as given, up to 10). */
  decimals?: number;
  /** Group thousands: `true` for `,`, or the separator to use. */
  thousands?: boolean | string;
  /** `rmb-upper` writes an amount in Chinese capital numerals (大写金额, 壹万贰仟元整). */
  style?: 'plain' | 'rmb-upper';
  /** Text before and after the number, e.g. `¥` or ` 元`. */
  prefix?: string;
  suffix?: string;
}

/** A number: the variable is a JSON number or a decimal string. */
export interface NumberTemplateField extends ValueFieldBase, TemplateTextStyle {
  type: 'number';
  format?: NumberFormat;
  min?: number;
  max?: number;
}

/** A checkbox: the variable is a boolean; `true` draws a check mark (vector paths). */
export interface CheckboxTemplateField extends ValueFieldBase {
  type: 'checkbox';
  /** `check` (✓, default) or `cross` (✗). */
  mark?: 'check' | 'cross';
  /** Mark colour as `#rrggbb` (default black). */
  color?: string;
}

/** Where a signer signs. Nothing is drawn; the position is returned for signing. */
export interface SignatureTemplateField extends TemplateFieldBase {
  type: 'signature';
  /** The signer role that signs here, e.g. `employee`, `partyA`. */
  role: string;
}

/** Where an organisation's seal goes. Nothing is drawn; the position is returned for sealing. */
export interface SealTemplateField extends TemplateFieldBase {
  type: 'seal';
  /** The signer role whose seal goes here, e.g. `company`. */
  role: string;
}

/** Any field of a template. */
export type TemplateField = TextTemplateField | DateTemplateField | NumberTemplateField | CheckboxTemplateField | SignatureTemplateField | SealTemplateField;

/** The types of fields that take a variable. */
export type ValueField = TextTemplateField | DateTemplateField | NumberTemplateField | CheckboxTemplateField;

/** A template: a base PDF plus typed fields (DESIGN §3 template/). JSON-serialisable. */
export interface TemplateDefinition {
  /** {@link TEMPLATE_SCHEMA}; optional, checked when present. */
  schema?: string;
  /** Stable identifier, e.g. `labor-contract`. */
  id: string;
  /** Display name, e.g. `劳动合同 Labor contract`. */
  name: string;
  /** The base PDF: a path relative to the JSON file (CLI), or a blob id (server). */
  basePdf: string;
  /** Defaults for text, date and number fields. */
  defaults?: { fontSize?: number; minFontSize?: number; align?: TextAlign };
  fields: TemplateField[];
}

/**
 * One problem found in a template or its variables. Problems are data: every one is reported, each
 * naming the field (and the variable) it is about.
 */
export interface TemplateProblem {
  /** Stable kind of problem. */
  code:
    | 'invalid-template' | 'invalid-field' | 'duplicate-field' | 'conflicting-variable'
    | 'missing-variable' | 'wrong-type' | 'unknown-variable' | 'invalid-date' | 'invalid-number' | 'out-of-range'
    | 'too-long' | 'unsupported-character' | 'page-out-of-range' | 'rect-off-page' | 'anchor-not-found' | 'missing-template';
  /** The field's name, when the problem is about a field. */
  field?: string;
  /** The variable's name, when the problem is about a variable. */
  variable?: string;
  /** The template's id, for problems found while filling a bundle. */
  template?: string;
  /** JSON pointer to the offending value, e.g. `/fields/3/rect` or `/vars/startDate`. */
  path: string;
  /** What is wrong and what to do, zh-CN first with English alongside. */
  message: string;
}

const FIELD_TYPES = ['text', 'date', 'number', 'checkbox', 'signature', 'seal'] as const;
const ALIGNS = ['left', 'center', 'right'];
const PLACEMENTS = ['right', 'center', 'below'];
const DATE_TOKEN = /YYYY|MM|M|DD|D/;

/** True for the fields that take a variable (text, date, number, checkbox). */
export function isValueField(f: TemplateField): f is ValueField {
  return f.type === 'text' || f.type === 'date' || f.type === 'number' || f.type === 'checkbox';
}

/** The variable a value field reads (its `variable`, else its name). */
export function variableOf(f: ValueField): string {
  return f.variable ?? f.name;
}

/**
 * Checks that `value` is a well-formed {@link TemplateDefinition} and returns every problem found,
 * each with a JSON pointer and the field's name. An empty list means valid.
 */
export function validateTemplate(value: unknown): TemplateProblem[] {
  const problems: TemplateProblem[] = [];
  const bad = (path: string, zh: string, en: string, field?: string, code: TemplateProblem['code'] = field ? 'invalid-field' : 'invalid-template') =>
    problems.push({ code, path, message: `${zh} / ${en}`, ...(field !== undefined ? { field } : {}) });
  if (!isObject(value)) {
    bad('', '模板必须是 JSON 对象', 'the template must be a JSON object');
    return problems;
  }
  if (value.schema !== undefined && value.schema !== TEMPLATE_SCHEMA) bad('/schema', `不支持的模板格式 ${String(value.schema)}`, `unsupported schema ${JSON.stringify(value.schema)}; use "${TEMPLATE_SCHEMA}"`);
  for (const key of ['id', 'name', 'basePdf']) {
    if (typeof value[key] !== 'string' || !(value[key] as string).trim()) bad(`/${key}`, `缺少 ${key}（非空字符串）`, `"${key}" must be a non-empty string`);
  }
  if (value.defaults !== undefined) {
    if (!isObject(value.defaults)) bad('/defaults', 'defaults 必须是对象', '"defaults" must be an object');
    else checkTextStyle(value.defaults, '/defaults', undefined, bad);
  }
  if (!Array.isArray(value.fields)) {
    bad('/fields', '缺少字段列表 fields', '"fields" must be an array of fields');
    return problems;
  }
  const names = new Map<string, number>();
  const varTypes = new Map<string, { type: string; field: string }>();
  value.fields.forEach((f: unknown, i: number) => {
    const p = `/fields/${i}`;
    if (!isObject(f)) {
      bad(p, `第 ${i + 1} 个字段不是对象`, `field ${i + 1} must be an object`);
      return;
    }
    const name = typeof f.name === 'string' && f.name.trim() ? f.name : undefined;
    if (!name) bad(`${p}/name`, `第 ${i + 1} 个字段缺少名称 name`, `field ${i + 1} needs a non-empty "name"`);
    else if (names.has(name)) bad(`${p}/name`, `字段名 ${name} 重复`, `field name "${name}" is used twice (fields ${names.get(name)! + 1} and ${i + 1})`, name, 'duplicate-field');
    else names.set(name, i);
    const fname = name ?? `#${i + 1}`;
    const type = f.type as string;
    if (!(FIELD_TYPES as readonly string[]).includes(type)) {
      bad(`${p}/type`, `字段 ${fname} 的类型 ${String(type)} 未知`, `field "${fname}" has unknown type ${JSON.stringify(type)}; use ${FIELD_TYPES.join(', ')}`, fname);
      return;
    }
    checkPlacement(f, p, fname, type, bad);
    if (f.label !== undefined && typeof f.label !== 'string') bad(`${p}/label`, `字段 ${fname} 的 label 必须是字符串`, `field "${fname}": "label" must be a string`, fname);
    if (type === 'signature' || type === 'seal') {
      if (typeof f.role !== 'string' || !f.role.trim()) bad(`${p}/role`, `签署字段 ${fname} 缺少签署角色 role`, `${type} field "${fname}" needs the signer "role" that signs there`, fname);
      for (const k of ['variable', 'required']) if (f[k] !== undefined) bad(`${p}/${k}`, `签署字段 ${fname} 不取变量`, `${type} field "${fname}" takes no "${k}": signers fill it when signing`, fname);
      return;
    }
    if (f.variable !== undefined && (typeof f.variable !== 'string' || !f.variable.trim())) bad(`${p}/variable`, `字段 ${fname} 的变量名无效`, `field "${fname}": "variable" must be a non-empty string`, fname);
    if (f.required !== undefined && typeof f.required !== 'boolean') bad(`${p}/required`, `字段 ${fname} 的 required 必须是 true 或 false`, `field "${fname}": "required" must be true or false`, fname);
    const variable = typeof f.variable === 'string' && f.variable.trim() ? f.variable : name;
    if (variable) {
      const seen = varTypes.get(variable);
      if (seen && seen.type !== type) {
        bad(`${p}/variable`, `变量 ${variable} 在字段 ${seen.field} 与 ${fname} 中类型不同`, `variable "${variable}" is a ${seen.type} in field "${seen.field}" but a ${type} in field "${fname}"; use one type per variable`, fname, 'conflicting-variable');
      } else if (!seen) varTypes.set(variable, { type, field: fname });
    }
    if (type === 'checkbox') {
      if (f.mark !== undefined && f.mark !== 'check' && f.mark !== 'cross') bad(`${p}/mark`, `字段 ${fname} 的 mark 只能是 check 或 cross`, `field "${fname}": "mark" must be "check" or "cross"`, fname);
      if (f.color !== undefined && !isColor(f.color)) bad(`${p}/color`, `字段 ${fname} 的颜色无效`, `field "${fname}": "color" must be "#rrggbb"`, fname);
      return;
    }
    checkTextStyle(f, p, fname, bad);
    if (type === 'text' && f.maxLength !== undefined && !(Number.isInteger(f.maxLength) && (f.maxLength as number) > 0)) {
      bad(`${p}/maxLength`, `字段 ${fname} 的 maxLength 必须是正整数`, `field "${fname}": "maxLength" must be a positive integer`, fname);
    }
    if (type === 'date' && f.format !== undefined) {
      if (typeof f.format !== 'string' || !f.format || !DATE_TOKEN.test(f.format)) {
        bad(`${p}/format`, `字段 ${fname} 的日期格式无效`, `field "${fname}": date "format" must be a string using YYYY, MM, M, DD or D (e.g. "YYYY年MM月DD日")`, fname);
      }
    }
    if (type === 'number') {
      if (f.format !== undefined) checkNumberFormat(f.format, `${p}/format`, fname, bad);
      for (const k of ['min', 'max']) if (f[k] !== undefined && !isFiniteNumber(f[k])) bad(`${p}/${k}`, `字段 ${fname} 的 ${k} 必须是数字`, `field "${fname}": "${k}" must be a number`, fname);
      if (isFiniteNumber(f.min) && isFiniteNumber(f.max) && f.min > f.max) bad(`${p}/min`, `字段 ${fname} 的 min 大于 max`, `field "${fname}": "min" is greater than "max"`, fname);
    }
  });
  return problems;
}

/**
 * Returns `value` as a TemplateDefinition, or throws TEMPLATE_INVALID whose details carry every
 * problem (`details.problems`) and whose message lists them.
 */
export function parseTemplate(value: unknown): TemplateDefinition {
  const problems = validateTemplate(value);
  if (problems.length > 0) throw templateInvalid('The template definition is invalid', problems);
  return value as TemplateDefinition;
}

/** Builds the TEMPLATE_INVALID error for a list of problems: one line listing them (at most 20). */
export function templateInvalid(what: string, problems: TemplateProblem[]): SignetError {
  const shown = problems.slice(0, 20).map((p) => {
    const where = [p.template, p.field ?? p.variable].filter(Boolean).join(' › ') || p.path || 'template';
    return `${where}: ${p.message}`;
  });
  const more = problems.length > 20 ? `; and ${problems.length - 20} more` : '';
  return new SignetError('TEMPLATE_INVALID', `${what} (${problems.length} problem${problems.length === 1 ? '' : 's'}): ${shown.join('; ')}${more}. Correct them and retry; nothing was drawn.`, { problems });
}

type Bad = (path: string, zh: string, en: string, field?: string, code?: TemplateProblem['code']) => void;

function checkPlacement(f: Record<string, unknown>, p: string, fname: string, type: string, bad: Bad): void {
  const hasRect = f.rect !== undefined || f.page !== undefined;
  if (hasRect && f.anchor !== undefined) {
    bad(p, `字段 ${fname} 同时指定了 page/rect 与 anchor`, `field "${fname}" has both page/rect and anchor; give one`, fname);
    return;
  }
  if (!hasRect && f.anchor === undefined) {
    bad(p, `字段 ${fname} 缺少位置（page + rect 或 anchor）`, `field "${fname}" needs a position: "page" + "rect", or "anchor"`, fname);
    return;
  }
  if (hasRect) {
    if (!(Number.isInteger(f.page) && (f.page as number) >= 1)) bad(`${p}/page`, `字段 ${fname} 的页码必须是从 1 开始的整数`, `field "${fname}": "page" must be an integer from 1`, fname);
    const r = f.rect;
    if (!isObject(r) || !isFiniteNumber(r.x) || !isFiniteNumber(r.y) || !isFiniteNumber(r.w) || !isFiniteNumber(r.h) || r.w <= 0 || r.h <= 0) {
      bad(`${p}/rect`, `字段 ${fname} 的 rect 必须是 {x, y, w, h}（单位：点，宽高为正）`, `field "${fname}": "rect" must be {"x","y","w","h"} in points with positive w and h`, fname);
    }
    return;
  }
  const a = f.anchor;
  if (!isObject(a)) {
    bad(`${p}/anchor`, `字段 ${fname} 的 anchor 必须是对象`, `field "${fname}": "anchor" must be an object with "text"`, fname);
    return;
  }
  if (typeof a.text !== 'string' || !a.text.trim()) bad(`${p}/anchor/text`, `字段 ${fname} 的定位文字为空`, `field "${fname}": "anchor.text" must be non-empty text to find`, fname);
  const occ = a.occurrence;
  if (occ !== undefined && occ !== 'first' && occ !== 'all' && !(Number.isInteger(occ) && (occ as number) >= 1)) {
    bad(`${p}/anchor/occurrence`, `字段 ${fname} 的 occurrence 无效`, `field "${fname}": "anchor.occurrence" must be "first", "all" or a positive integer`, fname);
  }
  if (a.placement !== undefined && !PLACEMENTS.includes(a.placement as string)) bad(`${p}/anchor/placement`, `字段 ${fname} 的 placement 无效`, `field "${fname}": "anchor.placement" must be ${PLACEMENTS.join(', ')}`, fname);
  for (const k of ['offsetX', 'offsetY']) if (a[k] !== undefined && !isFiniteNumber(a[k])) bad(`${p}/anchor/${k}`, `字段 ${fname} 的 ${k} 必须是数字`, `field "${fname}": "anchor.${k}" must be a number (points)`, fname);
  const sized = type === 'signature' || type === 'seal';
  for (const k of ['width', 'height']) {
    if (a[k] === undefined) {
      if (!sized) bad(`${p}/anchor/${k}`, `字段 ${fname} 按文字定位时需要 ${k}`, `field "${fname}": an anchored ${type} field needs "anchor.${k}" in points`, fname);
    } else if (!isFiniteNumber(a[k]) || a[k] <= 0) bad(`${p}/anchor/${k}`, `字段 ${fname} 的 ${k} 必须是正数`, `field "${fname}": "anchor.${k}" must be a positive number (points)`, fname);
  }
}

function checkTextStyle(f: Record<string, unknown>, p: string, fname: string | undefined, bad: Bad): void {
  const who = fname ? `字段 ${fname} ` : 'defaults ';
  const whoEn = fname ? `field "${fname}"` : 'defaults';
  for (const k of ['fontSize', 'minFontSize']) {
    if (f[k] !== undefined && !(isFiniteNumber(f[k]) && f[k] >= 1 && f[k] <= 200)) bad(`${p}/${k}`, `${who}的 ${k} 必须在 1 到 200 之间`, `${whoEn}: "${k}" must be a number of points from 1 to 200`, fname);
  }
  if (isFiniteNumber(f.fontSize) && isFiniteNumber(f.minFontSize) && f.minFontSize > f.fontSize) bad(`${p}/minFontSize`, `${who}的 minFontSize 大于 fontSize`, `${whoEn}: "minFontSize" is larger than "fontSize"`, fname);
  if (f.align !== undefined && !ALIGNS.includes(f.align as string)) bad(`${p}/align`, `${who}的 align 无效`, `${whoEn}: "align" must be left, center or right`, fname);
  if (fname === undefined) return;
  if (f.multiline !== undefined && typeof f.multiline !== 'boolean') bad(`${p}/multiline`, `${who}的 multiline 必须是 true 或 false`, `${whoEn}: "multiline" must be true or false`, fname);
  if (f.lineHeight !== undefined && !(isFiniteNumber(f.lineHeight) && f.lineHeight >= 1 && f.lineHeight <= 3)) bad(`${p}/lineHeight`, `${who}的 lineHeight 必须在 1 到 3 之间`, `${whoEn}: "lineHeight" must be from 1 to 3`, fname);
  if (f.color !== undefined && !isColor(f.color)) bad(`${p}/color`, `${who}的颜色无效`, `${whoEn}: "color" must be "#rrggbb"`, fname);
}

function checkNumberFormat(v: unknown, p: string, fname: string, bad: Bad): void {
  if (!isObject(v)) {
    bad(p, `字段 ${fname} 的数字格式必须是对象`, `field "${fname}": number "format" must be an object`, fname);
    return;
  }
  if (v.decimals !== undefined && !(Number.isInteger(v.decimals) && (v.decimals as number) >= 0 && (v.decimals as number) <= 10)) bad(`${p}/decimals`, `字段 ${fname} 的小数位数必须是 0 到 10`, `field "${fname}": "format.decimals" must be an integer from 0 to 10`, fname);
  if (v.thousands !== undefined && typeof v.thousands !== 'boolean' && !(typeof v.thousands === 'string' && v.thousands.length <= 2 && !/\d/.test(v.thousands))) bad(`${p}/thousands`, `字段 ${fname} 的千分位分隔符无效`, `field "${fname}": "format.thousands" must be true, false or a separator such as ","`, fname);
  if (v.style !== undefined && v.style !== 'plain' && v.style !== 'rmb-upper') bad(`${p}/style`, `字段 ${fname} 的数字样式无效`, `field "${fname}": "format.style" must be "plain" or "rmb-upper"`, fname);
  for (const k of ['prefix', 'suffix']) if (v[k] !== undefined && typeof v[k] !== 'string') bad(`${p}/${k}`, `字段 ${fname} 的 ${k} 必须是字符串`, `field "${fname}": "format.${k}" must be a string`, fname);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isFiniteNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

function isColor(v: unknown): boolean {
  return typeof v === 'string' && /^#[0-9a-fA-F]{6}$/.test(v);
}

/**
 * Checks a set of variables against a template before anything is drawn, and turns each value
 * into the text (or mark) its fields show. Every problem is reported, not just the first.
 */
import {
  isValueField, variableOf, type TemplateDefinition, type TemplateProblem, type ValueField,
} from './template-definition.js';
import {
  decimalToNumber, formatDate, formatNumberValue, parseDecimal, parseIsoDate, RMB_UPPER_MAX_DIGITS,
} from './format-value.js';

/** Variables as JSON: names to strings, numbers or booleans (null counts as missing). */
export type TemplateVariables = Record<string, unknown>;

/** One variable a template reads, as the HR connector and forms need to know it. */
export interface TemplateVariable {
  name: string;
  type: 'text' | 'date' | 'number' | 'checkbox';
  /** True when any field reading it is required. */
  required: boolean;
  /** The fields that show it. */
  fields: string[];
  /** The first field's label, if any. */
  label?: string;
}

/** Options of {@link validateVariables}. */
export interface ValidateVariablesOptions {
  /**
   * Variable names that are known although this template does not read them (a bundle passes the
   * union of its templates' variables). Default: none, so any extra variable is reported.
   */
  knownVariables?: ReadonlySet<string>;
}

/** Lists the variables a template reads, in field order. */
export function describeVariables(template: TemplateDefinition): TemplateVariable[] {
  const out = new Map<string, TemplateVariable>();
  for (const f of template.fields) {
    if (!isValueField(f)) continue;
    const name = variableOf(f);
    const v = out.get(name);
    if (v) {
      v.fields.push(f.name);
      v.required ||= f.required !== false;
    } else out.set(name, { name, type: f.type, required: f.required !== false, fields: [f.name], ...(f.label ? { label: f.label } : {}) });
  }
  return [...out.values()];
}

/**
 * Checks `vars` against a (valid) template: a missing required variable, a wrong type, an unknown
 * variable, an invalid date or number, a value out of range or too long. Returns every problem,
 * each naming its field and variable; an empty list means the template can be filled.
 */
export function validateVariables(template: TemplateDefinition, vars: TemplateVariables, opts: ValidateVariablesOptions = {}): TemplateProblem[] {
  const problems: TemplateProblem[] = [];
  if (typeof vars !== 'object' || vars === null || Array.isArray(vars)) {
    return [{ code: 'wrong-type', path: '/vars', message: '变量必须是 JSON 对象 / the variables must be a JSON object of name → value' }];
  }
  const read = new Set<string>();
  const reported = new Set<string>();
  for (const f of template.fields) {
    if (!isValueField(f)) continue;
    const name = variableOf(f);
    read.add(name);
    // Fields sharing a variable would repeat the same problem; report it once, on the first field.
    if (reported.has(name)) continue;
    const problem = checkValue(f, vars[name]);
    if (problem) {
      reported.add(name);
      problems.push({ ...problem, field: f.name, variable: name, path: `/vars/${escapePointer(name)}` });
    }
  }
  for (const key of Object.keys(vars)) {
    if (read.has(key) || opts.knownVariables?.has(key)) continue;
    const isField = template.fields.some((f) => f.name === key);
    const hint = isField ? `; "${key}" is a field that takes no variable` : '';
    problems.push({
      code: 'unknown-variable', variable: key, path: `/vars/${escapePointer(key)}`,
      message: `模板 ${template.id} 没有变量 ${key} / the template "${template.id}" has no variable "${key}"${hint}; remove it or check its spelling`,
    });
  }
  return problems;
}

/**
 * The text a value field shows for a valid value (dates and numbers formatted), `true`/`false`
 * for a checkbox, or undefined when an optional value is absent.
 */
export function displayValue(f: ValueField, value: unknown): string | boolean | undefined {
  if (value === undefined || value === null) return undefined;
  switch (f.type) {
    case 'checkbox': return value as boolean;
    case 'text': return normalizeText(value as string);
    case 'date': return formatDate(parseIsoDate(value as string)!, f.format);
    case 'number': return formatNumberValue(parseDecimal(value)!, f.format);
  }
}

/** Line breaks become `\n`; other control characters are dropped (they have no glyphs). */
function normalizeText(s: string): string {
  return s.replace(/\r\n?/g, '\n').replace(/[\u0000-\u0009\u000b-\u001f\u007f]/g, '');
}

type ValueProblem = Omit<TemplateProblem, 'path' | 'field' | 'variable'>;

function checkValue(f: ValueField, value: unknown): ValueProblem | undefined {
  const name = variableOf(f);
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '' && f.type !== 'text')) {
    if (f.required === false) return undefined;
    return { code: 'missing-variable', message: `缺少必填变量 ${name}（字段 ${f.name}）/ missing required variable "${name}" for field "${f.name}"` };
  }
  switch (f.type) {
    case 'text': {
      if (typeof value !== 'string') return wrongType(f, 'a string', value);
      if (value.trim() === '' && f.required !== false) return { code: 'missing-variable', message: `必填变量 ${name} 为空 / required variable "${name}" is empty` };
      const length = [...value].length;
      if (f.maxLength !== undefined && length > f.maxLength) {
        return { code: 'too-long', message: `变量 ${name} 超过 ${f.maxLength} 个字符 / "${name}" has ${length} characters, more than the ${f.maxLength} allowed` };
      }
      return undefined;
    }
    case 'checkbox':
      return typeof value === 'boolean' ? undefined : wrongType(f, 'true or false', value);
    case 'date': {
      if (typeof value !== 'string') return wrongType(f, 'a date string YYYY-MM-DD', value);
      if (!parseIsoDate(value)) return { code: 'invalid-date', message: `变量 ${name} 不是有效日期：${value} / "${name}" is not a valid date: ${JSON.stringify(value)}; write it as YYYY-MM-DD` };
      return undefined;
    }
    case 'number': {
      if (typeof value !== 'number' && typeof value !== 'string') return wrongType(f, 'a number', value);
      const d = parseDecimal(value);
      if (!d) return { code: 'invalid-number', message: `变量 ${name} 不是有效数字：${String(value)} / "${name}" is not a valid number: ${JSON.stringify(value)}; give digits with an optional "." (no separators)` };
      const n = decimalToNumber(d);
      if ((f.min !== undefined && n < f.min) || (f.max !== undefined && n > f.max)) {
        const range = `${f.min ?? '−∞'} … ${f.max ?? '∞'}`;
        return { code: 'out-of-range', message: `变量 ${name} 超出范围 ${range} / "${name}" is ${String(value)}, outside ${range}` };
      }
      if (f.format?.style === 'rmb-upper' && d.int.length > RMB_UPPER_MAX_DIGITS) {
        return { code: 'out-of-range', message: `变量 ${name} 金额过大，无法写成大写 / "${name}" is too large for capital numerals (at most ${RMB_UPPER_MAX_DIGITS} integer digits)` };
      }
      return undefined;
    }
  }
}

function wrongType(f: ValueField, expected: string, value: unknown): ValueProblem {
  const name = variableOf(f);
  const got = Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`;
  return { code: 'wrong-type', message: `变量 ${name} 类型错误（字段 ${f.name} 为 ${f.type}）/ "${name}" must be ${expected} for ${f.type} field "${f.name}", got ${got}` };
}

function escapePointer(s: string): string {
  return s.replace(/~/g, '~0').replace(/\//g, '~1');
}

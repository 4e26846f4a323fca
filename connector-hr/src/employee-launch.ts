/**
 * Turns one employee record into what a launch needs: the employee (key, name, mobile, ID
 * number), the company entity, the template variables in the types the templates expect, the
 * period and the idempotency key (bizNo) of employee × bundle × period. Every problem of the row
 * is reported at once, each with its column; nothing here does I/O.
 */
import { createHash } from 'node:crypto';
import {
  validateIdCardNumber, validateMobile, validatePersonName, validateVariables,
  type TemplateDefinition, type TemplateVariable,
} from '@signet/core';
import type { EmployeeRecord, RowProblem } from './employee-file.js';
import {
  bundleVariables, renderTemplate, type BundleInfo, type CompanyEntity, type HrMapping, type Literal, type VarSource, type VarType,
} from './hr-mapping.js';

/** An employee ready to launch. */
export interface EmployeeLaunch {
  row: number;
  line: number;
  /** The HRM's employee id. */
  key: string;
  name: string;
  /** Normalised 11-digit mobile number. */
  mobile: string;
  idNumber?: string;
  /** The company entity, with its code. */
  entity: CompanyEntity & { code: string };
  /** Template variables, converted to the templates' types. */
  vars: Record<string, Literal>;
  period: string;
  /** The idempotency key of employee × bundle × period (see {@link launchBizNo}). */
  bizNo: string;
  title: string;
  /** The contract's expiry (合同到期日), `YYYY-MM-DD`. */
  expiresAt?: string;
  /** The source fields, for write-back (CoreHR ids) and export. Never logged. */
  source: Record<string, unknown>;
}

/** Everything {@link prepareLaunch} needs besides the record: the mapping and its bundle, read once per import. */
export interface LaunchPlan {
  mapping: HrMapping;
  bundle: BundleInfo;
  /** The templates' definitions, when known: values are then checked as the fill will check them (lengths, ranges). */
  definitions?: TemplateDefinition[];
  /** Overrides the mapping's period (CLI `--period`). */
  period?: string;
}

/**
 * The idempotency key of a launch: `hr:<bundleId>:<period>:<employee key>`, or, when that is longer
 * than 128 characters or holds control characters, the same with a SHA-256 of period and key.
 */
export function launchBizNo(bundleId: string, period: string, key: string): string {
  const plain = `hr:${bundleId}:${period}:${key}`;
  if (plain.length <= 128 && !/[\u0000-\u001f\u007f]/.test(plain)) return plain;
  return `hr:${bundleId}:${createHash('sha256').update(`${period}\u0000${key}`).digest('hex').slice(0, 48)}`;
}

/** Reads a date cell as `YYYY-MM-DD`: ISO, `2026/1/5`, `2026.1.5`, `2026年1月5日`, `20260105`, an ISO time, or an Excel serial day. */
export function parseDateCell(v: unknown): string | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) {
    // Excel serial days (1900 date system, with its phantom 1900-02-29) for plausible years, else epoch milliseconds (Lark).
    const ms = v > 20_000 && v < 80_000 ? Date.UTC(1899, 11, 30) + Math.round(v) * 86_400_000 : v > 1e11 ? v : NaN;
    return Number.isNaN(ms) ? undefined : new Date(ms).toISOString().slice(0, 10);
  }
  if (typeof v !== 'string') return undefined;
  const s = v.trim();
  const m = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[T\s].*)?$/.exec(s) ?? /^(\d{4})(\d{2})(\d{2})$/.exec(s);
  if (!m && /^\d{5}$/.test(s)) return parseDateCell(Number(s));
  if (!m && /^\d{12,13}$/.test(s)) return parseDateCell(Number(s));
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return undefined;
  return `${String(y).padStart(4, '0')}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** Reads a number cell as a decimal string: thousands separators, `¥`/`￥`, `元` and spaces are dropped. */
export function parseNumberCell(v: unknown): string | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : undefined;
  if (typeof v !== 'string') return undefined;
  const s = v.trim().replace(/[,，\s]/g, '').replace(/^[¥￥]/, '').replace(/元$/, '');
  return /^-?\d+(\.\d+)?$/.test(s) ? s : undefined;
}

const TRUE = new Set(['true', '1', 'y', 'yes', '是', '√', '✓', '✔', 'x', '有']);
const FALSE = new Set(['false', '0', 'n', 'no', '否', '', '无', '-']);

/** Reads a checkbox cell: 是/否, Y/N, 1/0, true/false, ✓. */
export function parseBooleanCell(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v === 1 ? true : v === 0 ? false : undefined;
  if (typeof v !== 'string') return undefined;
  const s = v.trim().toLowerCase();
  return TRUE.has(s) ? true : FALSE.has(s) ? false : undefined;
}

function cellText(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v.trim();
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return '';
}

const TYPE_LABEL: Record<VarType, string> = { text: '文本 text', date: '日期 date (YYYY-MM-DD, 2026/1/5 or 2026年1月5日)', number: '数字 number', checkbox: '是/否 yes/no' };

/** Converts a cell to a variable's type; undefined when it does not convert. */
function convert(type: VarType, v: unknown): Literal | undefined {
  switch (type) {
    case 'text': return cellText(v);
    case 'date': return parseDateCell(v);
    case 'number': return parseNumberCell(v);
    case 'checkbox': return parseBooleanCell(v);
  }
}

function isEmpty(v: unknown): boolean {
  return v === undefined || v === null || (typeof v === 'string' && v.trim() === '');
}

/**
 * Prepares one record for launch. Returns the launch, or every problem of the row (line, column,
 * why) when it cannot be launched.
 */
export function prepareLaunch(plan: LaunchPlan, rec: EmployeeRecord): { launch?: EmployeeLaunch; problems: RowProblem[] } {
  const m = plan.mapping;
  const f = rec.fields;
  const problems: RowProblem[] = [];
  const at = { row: rec.row, line: rec.line };
  const bad = (column: string | undefined, code: string, message: string, variable?: string) => {
    // Several variables may read one cell (startDate and signDate from 入职日期): the cell is reported once.
    if (column && problems.some((p) => p.column === column && p.code === code)) return;
    problems.push({ ...at, ...(column ? { column } : {}), ...(variable ? { variable } : {}), code, message });
  };

  const key = cellText(f[m.employee.key]);
  if (!key) bad(m.employee.key, 'missing', '缺少员工编号 / the employee id is empty');
  else if (key.length > 64) bad(m.employee.key, 'invalid', '员工编号超过 64 个字符 / the employee id is longer than 64 characters');
  const nameCheck = validatePersonName(cellText(f[m.employee.name]));
  if (isEmpty(f[m.employee.name])) bad(m.employee.name, 'missing', '缺少姓名 / the name is empty');
  else if (!nameCheck.ok) bad(m.employee.name, 'invalid', `姓名无效 / the name is not valid: ${nameCheck.reason}`);
  const mobileCheck = validateMobile(cellText(f[m.employee.mobile]));
  if (isEmpty(f[m.employee.mobile])) bad(m.employee.mobile, 'missing', '缺少手机号（签署链接以短信发送）/ the mobile number is empty; the signing link goes by SMS');
  else if (!mobileCheck.ok) bad(m.employee.mobile, 'invalid', `手机号无效 / the mobile number is not valid: ${mobileCheck.reason}`);
  let idNumber: string | undefined;
  if (m.employee.idNumber) {
    idNumber = cellText(f[m.employee.idNumber]).toUpperCase();
    if (!idNumber) bad(m.employee.idNumber, 'missing', '缺少身份证号 / the ID number is empty');
    else {
      const c = validateIdCardNumber(idNumber);
      if (!c.ok) bad(m.employee.idNumber, 'invalid', `身份证号无效 / the ID number is not valid: ${c.reason}`);
    }
  }
  const codes = Object.keys(m.company.entities);
  const code = m.company.field ? cellText(f[m.company.field]) || m.company.default || (codes.length === 1 ? codes[0] : '') : m.company.default ?? codes[0];
  const entity = m.company.entities[code];
  if (!entity) {
    bad(m.company.field, code ? 'invalid' : 'missing', code
      ? `用工主体「${code}」未在映射中定义 / the company entity "${code}" is not in the mapping; use one of ${codes.join(', ')}`
      : `缺少用工主体 / the company entity is empty; use one of ${codes.join(', ')}`);
  }

  const known = bundleVariables(plan.bundle);
  const vars: Record<string, Literal> = {};
  const derived = (name: string): string | undefined => {
    if (name === 'employee.key') return key;
    if (name === 'employee.name') return nameCheck.name;
    if (name === 'mapping.name') return m.name;
    if (name === 'bundle.name') return plan.bundle.name;
    if (name.startsWith('company.')) {
      if (name === 'company.code') return code;
      const v = entity?.[name.slice(8)];
      return v === undefined ? undefined : cellText(v);
    }
    if (name in vars) return String(vars[name]);
    const cell = cellText(f[name]);
    return cell || undefined;
  };
  const columnOf = new Map<string, string>();
  const resolve = (name: string, src: VarSource, v: TemplateVariable | undefined): Literal | undefined => {
    const type: VarType = v?.type ?? (typeof src === 'object' && 'field' in src && src.type ? src.type : 'text');
    if (typeof src === 'string' || 'field' in src) {
      const field = typeof src === 'string' ? src : src.field;
      columnOf.set(name, field);
      let cell: unknown = f[field];
      if (typeof src === 'object' && src.map) {
        const hit = src.map[cellText(cell)];
        if (hit !== undefined) return hit;
      }
      if (isEmpty(cell)) {
        if (typeof src === 'object' && src.default !== undefined) cell = src.default;
        else {
          if (v?.required) bad(field, 'missing', `缺少${v.label ? `「${v.label}」` : ''}（变量 ${name}）/ "${field}" is empty, but the templates need "${name}"`, name);
          return undefined;
        }
      }
      const out = convert(type, cell);
      if (out === undefined) bad(field, 'invalid', `不是有效的${TYPE_LABEL[type]}（变量 ${name}）/ "${field}" is not a valid ${type} for "${name}"`, name);
      return out;
    }
    if ('value' in src) return src.value;
    if ('company' in src) {
      if (!entity) return undefined;
      const val = entity[src.company];
      if (val === undefined || val === null || val === '') {
        bad(m.company.field, 'invalid', `用工主体「${code}」没有属性 ${src.company}（变量 ${name}）/ company entity "${code}" has no "${src.company}" for "${name}"; add it to the mapping`, name);
        return undefined;
      }
      return convert(type, val) ?? cellText(val);
    }
    const r = renderTemplate(src.template, (p) => (p === 'period' ? periodText : derived(p)));
    if (r.text === undefined) {
      // What is missing because another cell was already reported is not reported again.
      const own = r.missing.filter((x) => !(x === 'period' && periodFailed) && !problems.some((q) => q.variable === x || q.column === x || q.column === columnOf.get(x)));
      if (own.length) bad(own.find((x) => x in f), 'missing', `模板「${src.template}」缺少 ${own.join('、')}（变量 ${name}）/ the template for "${name}" needs ${own.join(', ')}, which are empty`, name);
      return undefined;
    }
    return convert(type, r.text);
  };

  // Fields and constants first, so that templates (and the period) may use their values.
  let periodText: string | undefined;
  let periodFailed = false;
  const entries = Object.entries(m.vars);
  for (const [name, src] of entries) {
    if (typeof src === 'object' && 'template' in src) continue;
    const out = resolve(name, src, known.get(name));
    if (out !== undefined && !(typeof out === 'string' && out === '' && !known.get(name)?.required)) vars[name] = out;
  }
  const p = renderTemplate(plan.period ?? m.period, (n) => derived(n));
  periodFailed = p.text === undefined;
  if (p.text === undefined && p.missing.some((x) => problems.some((q) => q.variable === x || q.column === x))) {
    /* the period reads a cell already reported */
  } else if (p.text === undefined) bad(p.missing.find((x) => x in f) ?? columnOf.get(p.missing[0]), 'missing', `无法确定期间：缺少 ${p.missing.join('、')} / the period "${plan.period ?? m.period}" needs ${p.missing.join(', ')}, which are empty`);
  else if (p.text.length > 40) bad(undefined, 'invalid', '期间超过 40 个字符 / the period is longer than 40 characters');
  periodText = p.text;
  for (const [name, src] of entries) {
    if (!(typeof src === 'object' && 'template' in src)) continue;
    const out = resolve(name, src, known.get(name));
    if (out !== undefined) vars[name] = out;
  }
  let expiresAt: string | undefined;
  if (m.expiresAt) {
    const src = m.expiresAt;
    const out = resolve('expiresAt', typeof src === 'string' ? { field: src, type: 'date' } : 'field' in src ? { ...src, type: 'date' } : src, { name: 'expiresAt', type: 'date', required: false, fields: [] });
    if (out !== undefined) {
      expiresAt = parseDateCell(out);
      if (!expiresAt) bad(columnOf.get('expiresAt'), 'invalid', '合同到期日不是有效日期 / the contract expiry is not a valid date');
    }
  }

  // The fill's own checks (lengths, ranges, rmb-upper limits), reported on the column the variable came from.
  if (problems.length === 0 && plan.definitions) {
    const names = new Set(known.keys());
    for (const t of plan.definitions) {
      for (const tp of validateVariables(t, vars, { knownVariables: names })) {
        if (tp.code === 'unknown-variable') continue;
        if (problems.some((x) => x.variable === tp.variable)) continue;
        bad(tp.variable ? columnOf.get(tp.variable) : undefined, 'template', tp.message, tp.variable);
      }
    }
  }
  if (problems.length) return { problems };
  const title = renderTemplate(m.title ?? '{employee.name} {mapping.name}', (n) => (n === 'period' ? periodText : derived(n))).text ?? `${nameCheck.name} ${m.name}`;
  return {
    problems,
    launch: {
      ...at,
      key,
      name: nameCheck.name!,
      mobile: mobileCheck.mobile!,
      ...(idNumber ? { idNumber } : {}),
      entity: { ...entity!, code },
      vars,
      period: periodText!,
      bizNo: launchBizNo(m.bundleId, periodText!, key),
      title: [...title].slice(0, 200).join(''),
      ...(expiresAt ? { expiresAt } : {}),
      source: f,
    },
  };
}

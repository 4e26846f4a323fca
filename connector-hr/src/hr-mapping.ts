/**
 * The HR mapping (人事映射): configured once per bundle, it says how an HRM's employee fields become
 * the variables of a contract bundle (合同组合), who the employee is, which company entity (and so
 * which enterprise and seal) signs, when the company seal goes on, and what period a launch belongs
 * to. It is plain JSON: a file for the CLI, an object for the API. {@link parseHrMapping} checks its
 * shape, {@link checkMappingAgainstBundle} checks it against the bundle's templates
 * (`describeVariables`): unknown variables, missing required ones and type mismatches.
 */
import { SignetError, WILLINGNESS_OPTIONS, type TemplateVariable, type WillingnessOption } from '@signet/core';

/** The `schema` value of this version of the mapping format. */
export const HR_MAPPING_SCHEMA = 'signet.hr-mapping.v1';

/** When the company seal goes on: silently before the employee signs, silently after, or by a seal holder by hand. */
export type SealPolicy = 'before' | 'after' | 'manual';

/** The value types of template variables. */
export type VarType = TemplateVariable['type'];

/** A literal value in a mapping. */
export type Literal = string | number | boolean;

/**
 * Where one template variable comes from:
 * - `"column"`: an employee field (a CSV column, a JSON key, a flattened CoreHR field);
 * - `{ field, type?, default?, map? }`: the same with a type check, a default for empty cells and a value map (`{"是": true}`);
 * - `{ value }`: a constant;
 * - `{ company }`: a property of the employee's company entity, e.g. `name` or `uscc`;
 * - `{ template }`: text with `{placeholders}` (see {@link renderTemplate}).
 */
export type VarSource =
  | string
  | { field: string; type?: VarType; default?: Literal; map?: Record<string, Literal> }
  | { value: Literal }
  | { company: string }
  | { template: string };

/** A company entity (用工主体): the enterprise that signs, its seal, and properties templates may show. */
export interface CompanyEntity {
  /** The Signet enterprise that signs as employer. */
  enterpriseId: string;
  /** Its name as signer (default: the entity code). */
  name?: string;
  /** The seal it stamps with (required: silent stamping and seal holders both need one). */
  sealId: string;
  /** Anything else a `{ company: "…" }` variable may read, e.g. `uscc`, `address`. */
  [property: string]: unknown;
}

/** CoreHR write-back settings (Lark 飞书人事 contract records). */
export interface CoreHrWriteBack {
  /** `contract_type.enum_name` (default `labor_contract`). */
  contractType?: string;
  /** `duration_type.enum_name` (default `fixed_term`). */
  durationType?: string;
  /** `signing_type.enum_name` (default `new_sign`). */
  signingType?: string;
  /** The contract record's custom field that receives the link to the signed PDF (default `signet_contract_url`). */
  linkField?: string;
  /** The variable holding the contract number (default `contractNo`; else the Signet contract id). */
  numberVar?: string;
  /** The variable holding the start date (default `startDate`; else the employee's start date). */
  startVar?: string;
}

/** An HR mapping. */
export interface HrMapping {
  schema?: string;
  /** Display name, e.g. `2026 入职合同组合`. */
  name: string;
  /** The bundle (合同组合) on the Signet server. */
  bundleId: string;
  /**
   * The period a launch belongs to, e.g. `2026` or `{startDate:YYYY}`: employee × bundle × period
   * is launched exactly once. The CLI's `--period` overrides it.
   */
  period: string;
  /** Contract title (default `{employee.name} {mapping.name}`). */
  title?: string;
  /** The employee's fields: `key` (the HRM's employee id, for idempotency), name, mobile and optionally the ID number. */
  employee: { key: string; name: string; mobile: string; idNumber?: string };
  /** Which entity employs the employee: `field` names the column holding the entity code (optional with one entity). */
  company: { field?: string; default?: string; entities: Record<string, CompanyEntity> };
  /** When the company seal goes on (default `before`). */
  seal?: SealPolicy;
  /** The template roles of the company and the employee (default `company` and `employee`). */
  roles?: { company?: string; employee?: string };
  /** Template variable → where it comes from. */
  vars: Record<string, VarSource>;
  /** The contract's expiry (合同到期日), a date: it drives renewal and expiry reminders. */
  expiresAt?: VarSource;
  /** Days the employee has to sign (default 14). */
  deadlineDays?: number;
  /** The employee's willingness check (default SMS code or signing password). */
  willingness?: WillingnessOption[];
  /** Days before expiry on which reminders go out (default 60 and 30), and who gets them (HR mobiles or e-mails). */
  reminders?: { daysBefore: number[]; notify?: string[] };
  /** Labels put on every contract. */
  labels?: string[];
  corehr?: CoreHrWriteBack;
}

/** One problem of a mapping: a JSON pointer and what to do, zh-CN first with English alongside. */
export interface MappingProblem {
  code: 'invalid-mapping' | 'unknown-variable' | 'missing-variable' | 'wrong-type' | 'unknown-role' | 'unknown-field';
  path: string;
  variable?: string;
  message: string;
}

/** The bundle as a mapping is checked against it: its templates' roles and variables. */
export interface BundleInfo {
  id: string;
  name: string;
  templates: { id: string; name: string; roles: string[]; variables: TemplateVariable[] }[];
}

const VAR_TYPES: readonly VarType[] = ['text', 'date', 'number', 'checkbox'];
const SEAL_POLICIES: readonly SealPolicy[] = ['before', 'after', 'manual'];
const PLACEHOLDER = /\{([^{}:]+)(?::([^{}]+))?\}/g;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isLiteral(v: unknown): v is Literal {
  return typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));
}

function nonEmpty(v: unknown): v is string {
  return typeof v === 'string' && v.trim() !== '';
}

/** The employee fields a variable source reads (none for constants and company properties). */
export function fieldsOfSource(src: VarSource): string[] {
  if (typeof src === 'string') return [src];
  if ('field' in src) return [src.field];
  if ('template' in src) return placeholdersOf(src.template).filter((p) => !p.includes('.') && p !== 'period');
  // `{ value }` and `{ company }` read no employee field.
  return [];
}

/** The placeholder names of a `{name}` / `{name:FORMAT}` template. */
export function placeholdersOf(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)].map((m) => m[1].trim());
}

/**
 * Fills `{name}` and `{name:YYYY}` placeholders. `lookup` gives a value by name; a date value
 * (`YYYY-MM-DD`) may be formatted with the tokens YYYY, MM, M, DD and D. Returns undefined (with
 * the missing names) when a placeholder has no value.
 */
export function renderTemplate(template: string, lookup: (name: string) => string | undefined): { text?: string; missing: string[] } {
  const missing: string[] = [];
  const text = template.replace(PLACEHOLDER, (_all, rawName: string, format: string | undefined) => {
    const name = rawName.trim();
    const v = lookup(name);
    if (v === undefined || v === '') {
      missing.push(name);
      return '';
    }
    if (!format) return v;
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
    if (!m) return v;
    return format.replace(/YYYY|MM|M|DD|D/g, (t) => ({ YYYY: m[1], MM: m[2], M: String(Number(m[2])), DD: m[3], D: String(Number(m[3])) })[t]!);
  });
  return missing.length ? { missing } : { text, missing };
}

function checkSource(src: unknown, path: string, bad: (path: string, zh: string, en: string) => void): void {
  if (typeof src === 'string') {
    if (!src.trim()) bad(path, '字段名为空', 'the field name is empty');
    return;
  }
  if (!isObject(src)) {
    bad(path, '来源须为字段名或对象', 'a source is a field name, or an object with field, value, company or template');
    return;
  }
  const kinds = ['field', 'value', 'company', 'template'].filter((k) => k in src);
  if (kinds.length !== 1) {
    bad(path, '来源须且只须包含 field、value、company、template 之一', 'a source has exactly one of "field", "value", "company" or "template"');
    return;
  }
  const kind = kinds[0];
  if (kind === 'value') {
    if (!isLiteral(src.value)) bad(`${path}/value`, '常量须为字符串、数字或布尔值', '"value" must be a string, number or boolean');
  } else if (kind === 'field') {
    if (!nonEmpty(src.field)) bad(`${path}/field`, '字段名为空', '"field" must name an employee field');
    if (src.type !== undefined && !VAR_TYPES.includes(src.type as VarType)) bad(`${path}/type`, `类型 ${String(src.type)} 未知`, `"type" must be ${VAR_TYPES.join(', ')}`);
    if (src.default !== undefined && !isLiteral(src.default)) bad(`${path}/default`, '默认值须为字符串、数字或布尔值', '"default" must be a string, number or boolean');
    if (src.map !== undefined && (!isObject(src.map) || !Object.values(src.map).every(isLiteral))) bad(`${path}/map`, 'map 须为 值 → 值 的对象', '"map" must be an object of cell value → value');
  } else if (!nonEmpty(src[kind])) {
    bad(`${path}/${kind}`, `${kind} 为空`, `"${kind}" must be a non-empty string`);
  }
}

/**
 * Checks the shape of a mapping and returns every problem (empty when well-formed). It does not
 * know the templates: {@link checkMappingAgainstBundle} does that.
 */
export function validateHrMapping(value: unknown): MappingProblem[] {
  const problems: MappingProblem[] = [];
  const bad = (path: string, zh: string, en: string) => problems.push({ code: 'invalid-mapping', path, message: `${zh} / ${en}` });
  if (!isObject(value)) {
    bad('', '映射须为 JSON 对象', 'the mapping must be a JSON object');
    return problems;
  }
  if (value.schema !== undefined && value.schema !== HR_MAPPING_SCHEMA) bad('/schema', `不支持的映射格式 ${String(value.schema)}`, `unsupported schema; use "${HR_MAPPING_SCHEMA}"`);
  for (const k of ['name', 'bundleId', 'period']) if (!nonEmpty(value[k])) bad(`/${k}`, `缺少 ${k}`, `"${k}" must be a non-empty string`);
  if (value.title !== undefined && !nonEmpty(value.title)) bad('/title', 'title 须为非空字符串', '"title" must be a non-empty string');
  const e = value.employee;
  if (!isObject(e)) bad('/employee', '缺少 employee（key、name、mobile）', '"employee" must name the key, name and mobile fields');
  else {
    for (const k of ['key', 'name', 'mobile']) if (!nonEmpty(e[k])) bad(`/employee/${k}`, `缺少员工字段 ${k}`, `"employee.${k}" must name an employee field`);
    if (e.idNumber !== undefined && !nonEmpty(e.idNumber)) bad('/employee/idNumber', 'idNumber 须为字段名', '"employee.idNumber" must name an employee field');
  }
  const c = value.company;
  if (!isObject(c) || !isObject(c.entities) || Object.keys(c.entities).length === 0) {
    bad('/company/entities', '缺少用工主体 company.entities', '"company.entities" must list at least one company entity (code → { enterpriseId, sealId })');
  } else {
    const codes = Object.keys(c.entities);
    if (c.field !== undefined && !nonEmpty(c.field)) bad('/company/field', 'company.field 须为字段名', '"company.field" must name the field holding the entity code');
    if (codes.length > 1 && c.field === undefined && c.default === undefined) bad('/company/field', '有多个用工主体时须指定 company.field', 'with several entities, "company.field" must name the field holding the entity code');
    if (c.default !== undefined && !(typeof c.default === 'string' && codes.includes(c.default))) bad('/company/default', 'company.default 须为已定义的主体代码', `"company.default" must be one of ${codes.join(', ')}`);
    for (const code of codes) {
      const ent = c.entities[code];
      const p = `/company/entities/${code}`;
      if (!isObject(ent)) {
        bad(p, `主体 ${code} 须为对象`, `entity "${code}" must be an object`);
        continue;
      }
      if (!nonEmpty(ent.enterpriseId)) bad(`${p}/enterpriseId`, `主体 ${code} 缺少 enterpriseId`, `entity "${code}" needs the Signet "enterpriseId" that signs`);
      if (!nonEmpty(ent.sealId)) bad(`${p}/sealId`, `主体 ${code} 缺少印章 sealId`, `entity "${code}" needs the "sealId" it stamps with`);
      if (ent.name !== undefined && !nonEmpty(ent.name)) bad(`${p}/name`, `主体 ${code} 的 name 为空`, `entity "${code}": "name" must be non-empty`);
    }
  }
  if (value.seal !== undefined && !SEAL_POLICIES.includes(value.seal as SealPolicy)) bad('/seal', '盖章策略须为 before、after 或 manual', '"seal" must be before (stamp, then the employee signs), after, or manual');
  if (value.roles !== undefined) {
    if (!isObject(value.roles)) bad('/roles', 'roles 须为对象', '"roles" must be { company, employee }');
    else for (const k of ['company', 'employee']) if (value.roles[k] !== undefined && !nonEmpty(value.roles[k])) bad(`/roles/${k}`, `角色 ${k} 为空`, `"roles.${k}" must be a template role`);
  }
  if (!isObject(value.vars)) bad('/vars', '缺少变量映射 vars', '"vars" must map template variables to their sources');
  else for (const [k, src] of Object.entries(value.vars)) checkSource(src, `/vars/${k}`, bad);
  if (value.expiresAt !== undefined) checkSource(value.expiresAt, '/expiresAt', bad);
  if (value.deadlineDays !== undefined && !(Number.isInteger(value.deadlineDays) && (value.deadlineDays as number) >= 1 && (value.deadlineDays as number) <= 365)) {
    bad('/deadlineDays', 'deadlineDays 须为 1 到 365 的整数', '"deadlineDays" must be an integer from 1 to 365');
  }
  if (value.willingness !== undefined && !(Array.isArray(value.willingness) && value.willingness.length > 0 && value.willingness.every((m) => WILLINGNESS_OPTIONS.includes(m as WillingnessOption)))) {
    bad('/willingness', `意愿认证方式须为 ${WILLINGNESS_OPTIONS.join('、')} 的列表`, `"willingness" must be a list of ${WILLINGNESS_OPTIONS.join(', ')}`);
  }
  if (value.reminders !== undefined) {
    const r = value.reminders;
    if (!isObject(r) || !Array.isArray(r.daysBefore) || !r.daysBefore.every((d) => Number.isInteger(d) && d >= 0 && d <= 366)) {
      bad('/reminders/daysBefore', 'reminders.daysBefore 须为天数列表', '"reminders.daysBefore" must be a list of whole days (0 to 366)');
    } else if (r.notify !== undefined && !(Array.isArray(r.notify) && r.notify.every(nonEmpty))) {
      bad('/reminders/notify', 'reminders.notify 须为手机号或邮箱列表', '"reminders.notify" must be a list of HR mobile numbers or e-mail addresses');
    }
  }
  if (value.labels !== undefined && !(Array.isArray(value.labels) && value.labels.every(nonEmpty))) bad('/labels', 'labels 须为字符串列表', '"labels" must be a list of strings');
  if (value.corehr !== undefined) {
    if (!isObject(value.corehr)) bad('/corehr', 'corehr 须为对象', '"corehr" must be an object');
    else for (const k of ['contractType', 'durationType', 'signingType', 'linkField', 'numberVar', 'startVar']) if (value.corehr[k] !== undefined && !nonEmpty(value.corehr[k])) bad(`/corehr/${k}`, `corehr.${k} 为空`, `"corehr.${k}" must be a non-empty string`);
  }
  return problems;
}

/** The error for a list of mapping problems: HR_MAPPING_INVALID, every problem in `details.problems`, the first ones in the message. */
export function mappingInvalid(problems: MappingProblem[]): SignetError {
  const shown = problems.slice(0, 12).map((p) => `${p.path || 'mapping'}: ${p.message}`).join('; ');
  const more = problems.length > 12 ? `; and ${problems.length - 12} more` : '';
  return new SignetError('HR_MAPPING_INVALID', `人事映射有 ${problems.length} 处问题，请修改后重试 The HR mapping has ${problems.length} problem${problems.length === 1 ? '' : 's'}: ${shown}${more}. Correct the mapping and retry; nothing was launched.`, { problems });
}

/** Returns `value` as an {@link HrMapping}, or throws HR_MAPPING_INVALID listing every problem. */
export function parseHrMapping(value: unknown): HrMapping {
  const problems = validateHrMapping(value);
  if (problems.length) throw mappingInvalid(problems);
  return value as HrMapping;
}

/** The roles of a mapping, with their defaults. */
export function rolesOf(m: Pick<HrMapping, 'roles'>): { company: string; employee: string } {
  return { company: m.roles?.company ?? 'company', employee: m.roles?.employee ?? 'employee' };
}

/** The union of the bundle's template variables, by name (a variable required by any template is required). */
export function bundleVariables(bundle: BundleInfo): Map<string, TemplateVariable & { templates: string[] }> {
  const out = new Map<string, TemplateVariable & { templates: string[] }>();
  for (const t of bundle.templates) {
    for (const v of t.variables) {
      const seen = out.get(v.name);
      if (seen) {
        seen.required ||= v.required;
        seen.templates.push(t.name);
      } else out.set(v.name, { ...v, fields: [...v.fields], templates: [t.name] });
    }
  }
  return out;
}

function literalFits(type: VarType, v: Literal): boolean {
  switch (type) {
    case 'checkbox': return typeof v === 'boolean';
    case 'number': return typeof v === 'number' || (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v.trim()));
    case 'date': return typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v.trim());
    case 'text': return typeof v === 'string';
  }
}

/**
 * Checks a (well-formed) mapping against its bundle's templates: every mapped variable must exist
 * in some template (unknown-variable), every required variable must be mapped (missing-variable),
 * declared types and constants must match the template's type (wrong-type), and every signer role
 * the templates name must be the company's or the employee's (unknown-role). Returns every problem.
 */
export function checkMappingAgainstBundle(m: HrMapping, bundle: BundleInfo): MappingProblem[] {
  const problems: MappingProblem[] = [];
  const vars = bundleVariables(bundle);
  for (const [name, src] of Object.entries(m.vars)) {
    const v = vars.get(name);
    const path = `/vars/${name}`;
    if (!v) {
      const near = [...vars.keys()].filter((k) => k.toLowerCase() === name.toLowerCase());
      problems.push({
        code: 'unknown-variable', path, variable: name,
        message: `合同组合「${bundle.name}」的模板都没有变量 ${name} / no template of bundle "${bundle.name}" has a variable "${name}"${near.length ? `; did you mean "${near[0]}"?` : ''}; remove it or check its spelling (variables: ${[...vars.keys()].join(', ')})`,
      });
      continue;
    }
    if (typeof src === 'object' && 'field' in src && src.type && src.type !== v.type) {
      problems.push({ code: 'wrong-type', path: `${path}/type`, variable: name, message: `变量 ${name} 在模板中是 ${v.type}，映射声明为 ${src.type} / "${name}" is a ${v.type} in the templates (${v.templates.join(', ')}) but the mapping declares ${src.type}` });
    }
    const literals: [string, Literal][] = [];
    if (typeof src === 'object' && 'value' in src) literals.push([`${path}/value`, src.value]);
    if (typeof src === 'object' && 'field' in src && src.default !== undefined) literals.push([`${path}/default`, src.default]);
    if (typeof src === 'object' && 'field' in src && src.map) for (const [k, val] of Object.entries(src.map)) literals.push([`${path}/map/${k}`, val]);
    for (const [p, lit] of literals) {
      if (!literalFits(v.type, lit)) problems.push({ code: 'wrong-type', path: p, variable: name, message: `变量 ${name} 是 ${v.type}，常量 ${JSON.stringify(lit)} 类型不符 / "${name}" is a ${v.type}; the constant ${JSON.stringify(lit)} does not fit (dates are "YYYY-MM-DD", checkboxes true or false)` });
    }
    if (typeof src === 'object' && 'template' in src && v.type === 'checkbox') {
      problems.push({ code: 'wrong-type', path, variable: name, message: `变量 ${name} 是复选框，不能用文本模板 / "${name}" is a checkbox; map it from a field or a true/false constant, not a text template` });
    }
  }
  for (const [name, v] of vars) {
    if (v.required && !(name in m.vars)) {
      problems.push({ code: 'missing-variable', path: `/vars/${name}`, variable: name, message: `缺少必填变量 ${name}（${v.label ?? v.type}，模板 ${v.templates.join('、')}）/ required ${v.type} variable "${name}" of ${v.templates.join(', ')} is not mapped; add "${name}": "<column>" to "vars"` });
    }
  }
  const roles = rolesOf(m);
  for (const t of bundle.templates) {
    for (const r of t.roles) {
      if (r !== roles.company && r !== roles.employee) {
        problems.push({ code: 'unknown-role', path: '/roles', message: `模板「${t.name}」的签署角色 ${r} 既不是公司也不是员工 / template "${t.name}" has signer role "${r}", which is neither the company's ("${roles.company}") nor the employee's ("${roles.employee}"); set "roles"` });
      }
    }
  }
  if (!bundle.templates.some((t) => t.roles.includes(roles.employee))) {
    problems.push({ code: 'unknown-role', path: '/roles/employee', message: `合同组合中没有员工签署位置（角色 ${roles.employee}）/ no template of the bundle has a signature field for the employee role "${roles.employee}"; set "roles.employee"` });
  }
  return problems;
}

/** Every employee field the mapping reads (for checking a file's header). */
export function fieldsOfMapping(m: HrMapping): string[] {
  const out = new Set<string>([m.employee.key, m.employee.name, m.employee.mobile]);
  if (m.employee.idNumber) out.add(m.employee.idNumber);
  if (m.company.field) out.add(m.company.field);
  const direct = (src: VarSource) => (typeof src === 'object' && 'template' in src ? fieldsOfSource(src).filter((f) => !(f in m.vars)) : fieldsOfSource(src));
  for (const src of Object.values(m.vars)) for (const f of direct(src)) out.add(f);
  if (m.expiresAt) for (const f of direct(m.expiresAt)) out.add(f);
  // Placeholders name derived values (`period`, `employee.name`), variables, or else fields.
  for (const t of [m.period, m.title ?? '']) for (const f of placeholdersOf(t)) if (!f.includes('.') && f !== 'period' && !(f in m.vars)) out.add(f);
  return [...out];
}

/**
 * The employee fields a mapping reads but a file's header lacks. Fields with a `default` (and
 * the company field when there is a default entity) may be absent.
 */
export function missingColumns(m: HrMapping, header: readonly string[]): string[] {
  const have = new Set(header);
  const optional = new Set<string>();
  for (const src of Object.values(m.vars)) if (typeof src === 'object' && 'field' in src && src.default !== undefined) optional.add(src.field);
  if (m.company.field && m.company.default) optional.add(m.company.field);
  return fieldsOfMapping(m).filter((f) => !have.has(f) && !optional.has(f));
}

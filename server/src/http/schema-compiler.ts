/**
 * Compiles the routes' JSON Schemas (2020-12) with ajv once, at startup, and turns a validation
 * failure into a SignetError INVALID_ARGUMENT whose message names the field.
 *
 * Component schemas are written as OpenAPI refers to them (`#/components/schemas/Name`); for ajv
 * they live in one schema resource, and refs are rewritten to point into it.
 */
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { SignetError } from '@signet/core';
import type { JsonSchema } from './route.js';

const COMPONENTS_ID = 'https://signet.invalid/components';
const COMPONENT_REF = '#/components/schemas/';

/** Where a validated value came from; names the field in error messages. */
export type ValueLocation = 'body' | 'query' | 'params' | 'response';

/** A compiled validator: returns nothing, or throws INVALID_ARGUMENT naming the first bad field. */
export type Validator = (value: unknown) => void;

// JSON Schema formats used by the API (ajv ships none; ajv-formats is not a dependency).
const DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
const DATE_TIME = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])[Tt]([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?([Zz]|[+-]([01]\d|2[0-3]):[0-5]\d)$/;
const FORMATS = {
  date: (s: string) => DATE.test(s) && !Number.isNaN(Date.parse(s)),
  'date-time': (s: string) => DATE_TIME.test(s) && !Number.isNaN(Date.parse(s)),
  email: /^[^\s@]+@[^\s@]+\.[^\s@]+$/,
  uri: (s: string) => URL.canParse(s),
  uuid: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
  byte: /^[A-Za-z0-9+/]*={0,2}$/,
  binary: true,
  password: true,
  int32: true,
  int64: true,
  float: true,
  double: true,
} as const;

function newAjv(opts: { coerce: boolean; defaults: boolean }): Ajv2020 {
  const ajv = new Ajv2020({
    allErrors: false,
    coerceTypes: opts.coerce,
    useDefaults: opts.defaults,
    strict: true,
    strictTypes: false,
    strictTuples: false,
    strictRequired: false,
    formats: FORMATS,
  });
  // OpenAPI annotations that JSON Schema 2020-12 does not define.
  for (const keyword of ['example', 'discriminator', 'xml', 'externalDocs']) ajv.addKeyword({ keyword });
  return ajv;
}

/** Deep-copies a schema with component refs pointed at the ajv components resource. */
function forAjv(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(forAjv);
  if (schema && typeof schema === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(schema)) {
      out[k] = k === '$ref' && typeof v === 'string' && v.startsWith(COMPONENT_REF) ? `${COMPONENTS_ID}#/$defs/${v.slice(COMPONENT_REF.length)}` : forAjv(v);
    }
    return out;
  }
  return schema;
}

/** JSON pointer `/signers/0/name` → `signers[0].name`. */
function fieldPath(pointer: string): string {
  let out = '';
  for (const raw of pointer.split('/').slice(1)) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    out += /^\d+$/.test(seg) ? `[${seg}]` : out ? `.${seg}` : seg;
  }
  return out;
}

function describe(where: ValueLocation, field: string): string {
  if (where === 'query') return `query parameter "${field.split(/[.[]/)[0]}"`;
  if (where === 'params') return `path parameter "${field}"`;
  if (where === 'response') return field ? `response field ${field}` : 'the response body';
  return field ? `field ${field}` : 'the request body';
}

/** The INVALID_ARGUMENT error for the first ajv error, naming the field (zh-CN, then English). */
export function validationError(where: ValueLocation, e: ErrorObject): SignetError {
  const base = fieldPath(e.instancePath);
  const join = (name: string) => (base ? `${base}.${name}` : name);
  const params = e.params as Record<string, unknown>;
  let field = base;
  let zh: string;
  let en: string;
  switch (e.keyword) {
    case 'required':
      field = join(String(params.missingProperty));
      zh = `缺少${where === 'query' ? '查询参数' : '字段'} ${field}`;
      en = `Missing ${describe(where, field)}: add it`;
      break;
    case 'additionalProperties':
      field = join(String(params.additionalProperty));
      zh = `不支持的字段 ${field}`;
      en = `Unknown ${describe(where, field)}: remove it (check its spelling)`;
      break;
    case 'type':
      zh = `${field || '请求体'} 类型错误，应为 ${String(params.type)}`;
      en = `${cap(describe(where, field))} must be of type ${String(params.type)}`;
      break;
    case 'enum':
      zh = `${field} 取值无效`;
      en = `${cap(describe(where, field))} must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
      break;
    default:
      zh = `${field || '请求体'} 无效`;
      en = `${cap(describe(where, field))} ${e.message ?? 'is invalid'}`;
  }
  return new SignetError('INVALID_ARGUMENT', `${zh}。${en}.`, { in: where, field, rule: e.keyword });
}

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** Compiles request and response validators against one set of component schemas. */
export class SchemaCompiler {
  private readonly coercing = newAjv({ coerce: true, defaults: true });
  private readonly bodies = newAjv({ coerce: false, defaults: true });
  private readonly responses = newAjv({ coerce: false, defaults: false });

  constructor(components: Readonly<Record<string, JsonSchema>>) {
    const resource = { $id: COMPONENTS_ID, $defs: forAjv(components) as Record<string, unknown> };
    for (const ajv of [this.coercing, this.bodies, this.responses]) ajv.addSchema(resource);
  }

  /** Compiles `schema` for values found at `where`; query and path values are coerced from strings. */
  compile(schema: JsonSchema, where: ValueLocation): Validator {
    const ajv = where === 'query' || where === 'params' ? this.coercing : where === 'body' ? this.bodies : this.responses;
    let fn: ValidateFunction;
    try {
      fn = ajv.compile(forAjv(schema) as JsonSchema);
    } catch (e) {
      throw new SignetError('INTERNAL', `A ${where} schema does not compile: ${(e as Error).message}`);
    }
    return (value) => {
      if (!fn(value)) throw validationError(where, fn.errors![0]);
    };
  }

  /** Compiles every component schema (so that a broken one fails at startup, not on first use). */
  checkComponents(names: readonly string[]): void {
    for (const n of names) this.compile({ $ref: `${COMPONENT_REF}${n}` }, 'response');
  }
}

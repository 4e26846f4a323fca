/**
 * The OpenAPI 3.1 document of the API, served at /api/v1/openapi.json, built from the route
 * declarations: the same schemas validate requests, so the document cannot drift from the code.
 *
 * Paths under `/api/v1` are keyed relative to the `/api/v1` server. The PKI and TSA endpoints live
 * at the site root, so their path items carry their own `servers` (OpenAPI 3.1 §4.8.9.1).
 */
import { ERROR_CODES, type ErrorCode } from '@signet/core';
import { authGuide } from '../auth/auth-guide.js';
import { formatBytes } from './error-handler.js';
import { ERROR_STATUS } from './error-status.js';
import { errorCodesOf, pathParams, type RouteRegistry } from './route-registry.js';
import type { JsonSchema, RouteDef } from './route.js';

/** The API's base path. */
export const API_BASE = '/api/v1';

/** The document's version of the API. */
export const API_VERSION = '0.2.0';

/** The OpenAPI path key of a route (`/contracts/{contractId}`), and whether it lives at the site root. */
export function openApiPathOf(route: Pick<RouteDef, 'path'>): { key: string; root: boolean } {
  const templated = route.path.replace(/:([A-Za-z][A-Za-z0-9_]*)/g, '{$1}');
  if (templated.startsWith(`${API_BASE}/`)) return { key: templated.slice(API_BASE.length), root: false };
  return { key: templated, root: true };
}

/** The `Error` component: the shape of every error response. */
export const ERROR_SCHEMA: JsonSchema = {
  type: 'object',
  description: '每个错误的形状 The shape of every error: a stable code and a message that says what to do.',
  required: ['code', 'message'],
  properties: {
    code: { type: 'string', description: 'Stable error code', enum: Object.keys(ERROR_CODES) },
    message: { type: 'string', description: 'What went wrong and what to do (zh-CN, then English)' },
    details: { type: 'object', description: 'Machine-readable facts for some codes (field, attemptsLeft, retryAt, limitBytes, canonical)' },
  },
};

const SECURITY_SCHEMES = {
  signetAppId: { type: 'apiKey', in: 'header', name: 'X-Signet-App-Id', description: 'The integrator appId. Part of SIGNET-HMAC-SHA256: see the guide in info.description.' },
  signetTimestamp: { type: 'apiKey', in: 'header', name: 'X-Signet-Timestamp', description: 'Unix time in seconds, within 5 minutes of the server clock.' },
  signetNonce: { type: 'apiKey', in: 'header', name: 'X-Signet-Nonce', description: '16 to 64 characters of A-Z a-z 0-9 - _, never reused by the app within the window.' },
  signetSignature: { type: 'apiKey', in: 'header', name: 'X-Signet-Signature', description: 'Lower-case hex HMAC-SHA256 of the canonical string, keyed with the app secret.' },
  sessionCookie: { type: 'apiKey', in: 'cookie', name: 'signet_session', description: 'The console session cookie set at login (`__Host-signet_session` over https).' },
  csrfToken: { type: 'apiKey', in: 'header', name: 'X-CSRF-Token', description: 'The csrfToken returned at login; required with the cookie on POST, PUT, PATCH and DELETE.' },
  signingLink: { type: 'apiKey', in: 'header', name: 'Authorization', description: '`Link <token>`: the token of an external signer\'s one-time /sign/<token> link.' },
} as const;

const UNSAFE = new Set(['post', 'put', 'patch', 'delete']);

function security(route: RouteDef): Record<string, string[]>[] {
  const out: Record<string, string[]>[] = [];
  for (const k of route.auth) {
    if (k === 'app') out.push({ signetAppId: [], signetTimestamp: [], signetNonce: [], signetSignature: [] });
    if (k === 'session') out.push(UNSAFE.has(route.method) ? { sessionCookie: [], csrfToken: [] } : { sessionCookie: [] });
    if (k === 'link') out.push({ signingLink: [] });
    if (k === 'public') out.push({});
  }
  return out;
}

function parameters(route: RouteDef): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const props = (s: JsonSchema | undefined) => (s?.properties ?? {}) as Record<string, JsonSchema>;
  const paramProps = props(route.params);
  for (const name of pathParams(route.path)) {
    const schema = paramProps[name] ?? { type: 'string', minLength: 1 };
    out.push({ name, in: 'path', required: true, schema, ...(schema.description ? { description: schema.description } : {}) });
  }
  const required = new Set((route.query?.required ?? []) as string[]);
  for (const [name, schema] of Object.entries(props(route.query))) {
    out.push({ name, in: 'query', required: required.has(name), schema, ...(schema.description ? { description: schema.description } : {}) });
  }
  return out;
}

function requestBody(route: RouteDef, limit: number | undefined): Record<string, unknown> | undefined {
  const b = route.body;
  if (!b) return undefined;
  const max = limit ?? b.maxBytes;
  const content = b.kind === 'json'
    ? { 'application/json': { schema: b.schema } }
    : Object.fromEntries(b.contentTypes.map((ct) => [ct, { schema: { type: 'string', contentMediaType: ct } }]));
  const description = [b.description, max ? `At most ${formatBytes(max)} (larger bodies get 413 PAYLOAD_TOO_LARGE).` : undefined].filter(Boolean).join(' ');
  return { required: true, ...(description ? { description } : {}), content, ...(max ? { 'x-signet-max-bytes': max } : {}) };
}

function responses(route: RouteDef): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [status, r] of Object.entries(route.responses)) {
    const content = r.schema
      ? { 'application/json': { schema: r.schema } }
      : r.contentType
        ? { [r.contentType]: { schema: { type: 'string', contentMediaType: r.contentType } } }
        : undefined;
    out[status] = { description: r.description, ...(r.headers ? { headers: r.headers } : {}), ...(content ? { content } : {}) };
  }
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of errorCodesOf(route)) {
    const s = ERROR_STATUS[code];
    byStatus.set(s, [...(byStatus.get(s) ?? []), code]);
  }
  for (const [status, codes] of [...byStatus].sort((a, b) => a[0] - b[0])) {
    out[String(status)] = {
      description: codes.map((c) => `\`${c}\`: ${ERROR_CODES[c]}`).join('; '),
      content: { 'application/json': { schema: { allOf: [{ $ref: '#/components/schemas/Error' }, { properties: { code: { enum: codes } } }] } } },
    };
  }
  return out;
}

/** Builds the OpenAPI 3.1 document of the routes in `registry` (an empty one without). */
export function openApiDocument(registry?: RouteRegistry): Record<string, unknown> & { paths: Record<string, Record<string, unknown>> } {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of registry?.routes ?? []) {
    if (route.page) continue;
    const { key, root } = openApiPathOf(route);
    const item = (paths[key] ??= root ? { servers: [{ url: '/', description: '站点根路径 Site root' }] } : {});
    item[route.method] = {
      operationId: route.operationId,
      summary: route.summary,
      ...(route.description ? { description: route.description } : {}),
      tags: [...route.tags],
      security: security(route),
      'x-signet-auth': [...route.auth],
      parameters: parameters(route),
      ...(route.body ? { requestBody: requestBody(route, registry?.limitOf(route)) } : {}),
      responses: responses(route),
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Signet API',
      version: API_VERSION,
      summary: 'Signet 电子签章 e-signature server: contracts, seals, identities, PAdES signing and verification.',
      description: authGuide(),
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    servers: [{ url: API_BASE, description: '本服务 This server' }],
    tags: registry?.tags.map((t) => ({ ...t })) ?? [],
    paths,
    components: {
      schemas: { Error: ERROR_SCHEMA, ...(registry?.schemas ?? {}) },
      securitySchemes: SECURITY_SCHEMES,
    },
  };
}

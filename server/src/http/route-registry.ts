/**
 * Holds every declared route and mounts it on express with one uniform pipeline:
 *
 * 1. authentication, phase 1 (headers and path only: a request is refused before its body is read);
 * 2. the media type (415) and the body, read as raw bytes up to the route's limit (413);
 * 3. authentication, phase 2 (the integrator signature over the exact body bytes);
 * 4. JSON parsing and ajv validation of path, query and body (400 naming the field);
 * 5. the handler, whose result is sent as JSON (and, in contract-check mode, validated against the
 *    declared response schema).
 *
 * The same declarations produce the OpenAPI document (`openapi.ts`).
 */
import type { Express, Request, RequestHandler, Response } from 'express';
import { SignetError, type Actor, type ErrorCode } from '@signet/core';
import type { AuthStart, RequestAuthenticator } from '../auth/request-authenticator.js';
import { sha256Hex } from '../auth/canonical-request.js';
import { Reply, type JsonSchema, type RouteDef } from './route.js';
import type { SchemaCompiler, Validator } from './schema-compiler.js';

/** A group of routes and the component schemas and tags they use: one per API area. */
export interface RouteModule {
  /** Component schemas by name, referred to as `#/components/schemas/<name>`. */
  schemas?: Readonly<Record<string, JsonSchema>>;
  /** OpenAPI tags this module introduces. */
  tags?: readonly { name: string; description: string }[];
  routes: readonly RouteDef[];
}

/** How {@link RouteRegistry.mount} runs the routes. */
export interface MountOptions {
  authenticator: RequestAuthenticator;
  compiler: SchemaCompiler;
  /** Default limit for JSON bodies (1 MiB). */
  jsonLimitBytes?: number;
  /** Default limit for binary bodies (the app's upload limit). */
  binaryLimitBytes: number;
  /**
   * Contract-check mode (tests): a response that does not match its declared schema or status, or
   * an error code the route does not declare, becomes a 500 that says so.
   */
  checkContract?: boolean;
}

/** Per-request state the pipeline keeps in `res.locals.signet`. */
export interface RequestState {
  requestId: string;
  route?: RouteDef;
  actor?: Actor;
  errorCode?: string;
  authStart?: AuthStart;
}

/** The request state of `res` (created by the request-id middleware). */
export function requestState(res: Response): RequestState {
  return res.locals.signet as RequestState;
}

const PATH_SYNTAX = /^(\/([A-Za-z0-9._~-]+|:[A-Za-z][A-Za-z0-9_]*))+$/;
const PARAM = /:([A-Za-z][A-Za-z0-9_]*)/g;
const UNSAFE = new Set(['post', 'put', 'patch', 'delete']);
const EMPTY = Buffer.alloc(0);

/** The `:name` parameters of an express path. */
export function pathParams(path: string): string[] {
  return [...path.matchAll(PARAM)].map((m) => m[1]);
}

/** True when the request has a body (RFC 9112 §6.3: Transfer-Encoding, or a non-zero Content-Length). */
export function hasBody(req: Request): boolean {
  const len = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (len !== undefined && len !== '0');
}

/** A body-parser style error (the error handler maps `type` to its code). */
function bodyError(type: string, status: number, message: string, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(message), { type, status, expose: true, ...extra });
}

/**
 * Reads the raw body into `req.body` (a Buffer) up to `limit` bytes. Beyond the limit it answers
 * 413 at once and drops the connection (`Connection: close`) instead of reading on: body-parser
 * reads the rest of an oversized request before it answers, so a chunked body that never ends kept
 * the server reading until the request timeout. Compressed bodies are refused (415).
 */
function readRawBody(limit: number): RequestHandler {
  return (req, res, next) => {
    if (!hasBody(req)) return next();
    const encoding = String(req.headers['content-encoding'] ?? 'identity').toLowerCase();
    if (encoding !== 'identity') return next(bodyError('encoding.unsupported', 415, `Unsupported content encoding "${encoding}"`));
    const tooLarge = () => {
      req.pause();
      res.setHeader('Connection', 'close');
      finish(bodyError('entity.too.large', 413, 'request entity too large', { limit }));
    };
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const onData = (c: Buffer) => {
      size += c.length;
      if (size > limit) return tooLarge();
      chunks.push(c);
    };
    const onEnd = () => finish();
    const onError = (e: unknown) => finish(bodyError('request.aborted', 400, String((e as Error)?.message ?? e)));
    const onClose = () => {
      if (!req.complete) finish(bodyError('request.aborted', 400, 'request aborted'));
    };
    function finish(err?: Error): void {
      if (done) return;
      done = true;
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
      if (err) return next(err);
      req.body = Buffer.concat(chunks, size);
      next();
    }
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) return tooLarge();
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  };
}

/** The error codes a route can return: its own, plus those its auth kinds, inputs and body bring. */
export function errorCodesOf(route: RouteDef): ErrorCode[] {
  const codes = new Set<ErrorCode>(route.errors ?? []);
  codes.add('INVALID_ARGUMENT');
  if (route.auth.some((k) => k !== 'public')) codes.add('AUTH_REQUIRED');
  if (route.auth.includes('app')) for (const c of ['AUTH_APP_UNKNOWN', 'AUTH_SIGNATURE_INVALID', 'AUTH_TIMESTAMP_SKEW', 'AUTH_REPLAY'] as const) codes.add(c);
  if (route.auth.includes('link')) for (const c of ['AUTH_LINK_INVALID', 'LINK_EXPIRED', 'LINK_USED', 'LINK_REVOKED'] as const) codes.add(c);
  if (route.auth.includes('session') && UNSAFE.has(route.method)) codes.add('CSRF_TOKEN_INVALID');
  if (route.body || UNSAFE.has(route.method)) {
    codes.add('PAYLOAD_TOO_LARGE');
    codes.add('UNSUPPORTED_MEDIA_TYPE');
  }
  codes.add('INTERNAL');
  return [...codes];
}

/** The default path-parameter schema: every `:name` a required, non-empty string. */
function defaultParamsSchema(path: string): JsonSchema | undefined {
  const names = pathParams(path);
  if (names.length === 0) return undefined;
  return { type: 'object', properties: Object.fromEntries(names.map((n) => [n, { type: 'string', minLength: 1 }])), required: names };
}

/** A route mounted with its compiled validators. */
interface Compiled {
  route: RouteDef;
  params?: Validator;
  query?: Validator;
  body?: Validator;
  responses: Map<number, Validator | undefined>;
}

/** The routes of the app, their schemas and tags. */
export class RouteRegistry {
  readonly routes: RouteDef[] = [];
  readonly schemas: Record<string, JsonSchema> = {};
  readonly tags: { name: string; description: string }[] = [];
  private readonly matchers: { re: RegExp; method: string }[] = [];
  private readonly limits = new Map<string, number>();

  /** Adds a module; refuses a duplicate operationId, method + path, schema or malformed path. */
  add(module: RouteModule): this {
    for (const [name, s] of Object.entries(module.schemas ?? {})) {
      if (this.schemas[name]) throw new SignetError('INTERNAL', `Component schema ${name} is registered twice`);
      this.schemas[name] = s;
    }
    for (const t of module.tags ?? []) if (!this.tags.some((x) => x.name === t.name)) this.tags.push(t);
    for (const r of module.routes) {
      if (!PATH_SYNTAX.test(r.path)) throw new SignetError('INTERNAL', `Route ${r.operationId}: path ${r.path} must be /segments with :name parameters only`);
      if (this.routes.some((x) => x.operationId === r.operationId)) throw new SignetError('INTERNAL', `operationId ${r.operationId} is used twice`);
      const re = new RegExp(`^${r.path.replace(/[.~-]/g, '\\$&').replace(PARAM, '[^/]+')}/?$`, 'i');
      if (this.routes.some((x) => x.method === r.method && x.path.replace(PARAM, ':') === r.path.replace(PARAM, ':'))) {
        throw new SignetError('INTERNAL', `${r.method.toUpperCase()} ${r.path} is declared twice`);
      }
      if (r.method === 'get' && r.body) throw new SignetError('INTERNAL', `Route ${r.operationId}: a GET route takes no body`);
      if (r.auth.length === 0) throw new SignetError('INTERNAL', `Route ${r.operationId} lists no auth kind; use ['public'] for an open route`);
      if (!Object.keys(r.responses).some((s) => Number(s) >= 200 && Number(s) < 300)) throw new SignetError('INTERNAL', `Route ${r.operationId} declares no 2xx response`);
      this.routes.push(r);
      this.matchers.push({ re, method: r.method });
    }
    return this;
  }

  /** The methods some route serves at `path` (HEAD with GET), or undefined when no route has this path. */
  allowedMethods(path: string): string[] | undefined {
    const methods = new Set<string>();
    for (const m of this.matchers) {
      if (m.re.test(path)) {
        methods.add(m.method.toUpperCase());
        if (m.method === 'get') methods.add('HEAD');
      }
    }
    return methods.size ? [...methods] : undefined;
  }

  /** The routes that are HTML pages (not in the OpenAPI document). */
  pages(): RouteDef[] {
    return this.routes.filter((r) => r.page);
  }

  /** The body limit in bytes a mounted route enforces (undefined for GET routes, which read no body). */
  limitOf(route: RouteDef): number | undefined {
    return this.limits.get(route.operationId);
  }

  /** Compiles every validator and mounts every route on `app`. Schemas that do not compile fail here, at startup. */
  mount(app: Express, opts: MountOptions): void {
    opts.compiler.checkComponents(Object.keys(this.schemas));
    for (const route of this.routes) this.mountOne(app, route, opts);
  }

  private mountOne(app: Express, route: RouteDef, opts: MountOptions): void {
    const { compiler } = opts;
    const paramsSchema = route.params ?? defaultParamsSchema(route.path);
    const c: Compiled = {
      route,
      params: paramsSchema && compiler.compile(paramsSchema, 'params'),
      query: route.query && compiler.compile(route.query, 'query'),
      body: route.body?.kind === 'json' ? compiler.compile(route.body.schema, 'body') : undefined,
      responses: new Map(),
    };
    if (opts.checkContract) {
      for (const [status, spec] of Object.entries(route.responses)) c.responses.set(Number(status), spec.schema && compiler.compile(spec.schema, 'response'));
    }

    const start: RequestHandler = async (req, res, next) => {
      const state = requestState(res);
      state.route = route;
      state.authStart = await opts.authenticator.begin({ method: req.method, headers: req.headers, path: req.path }, route.auth);
      if (hasBody(req)) checkMediaType(req, route);
      next();
    };
    const handlers: RequestHandler[] = [start];
    if (route.method !== 'get') {
      const limit = route.body?.maxBytes ?? (route.body?.kind === 'binary' ? opts.binaryLimitBytes : route.body ? (opts.jsonLimitBytes ?? 1024 * 1024) : 16 * 1024);
      this.limits.set(route.operationId, limit);
      handlers.push(readRawBody(limit));
    }
    handlers.push(async (req, res) => {
      const state = requestState(res);
      const raw = Buffer.isBuffer(req.body) ? (req.body as Buffer) : EMPTY;
      const authStart = state.authStart!;
      const { actor, info } = await opts.authenticator.finish(authStart, {
        method: req.method,
        target: req.originalUrl,
        bodySha256: authStart.state === 'pending' ? sha256Hex(raw) : '',
      });
      state.actor = actor;
      const params: Record<string, unknown> = { ...req.params };
      c.params?.(params);
      const query: Record<string, unknown> = { ...(req.query as Record<string, unknown>) };
      c.query?.(query);
      let body: unknown;
      if (route.body?.kind === 'json') {
        body = parseJson(raw);
        c.body!(body);
      } else if (route.body?.kind === 'binary') {
        body = raw;
      }
      const result = await route.handler({ actor, auth: info, body, params: params as Record<string, string>, query, req, res, requestId: state.requestId });
      send(res, c, result, opts.checkContract ?? false);
    });
    app[route.method](route.path, ...handlers);
  }
}

function mediaType(req: Request): string | undefined {
  const ct = req.headers['content-type'];
  return ct ? ct.split(';')[0].trim().toLowerCase() : undefined;
}

/** Refuses (415) a body whose Content-Type or Content-Encoding the route does not accept. */
function checkMediaType(req: Request, route: RouteDef): void {
  const enc = req.headers['content-encoding'];
  if (enc && enc.toLowerCase() !== 'identity') {
    throw new SignetError('UNSUPPORTED_MEDIA_TYPE', `不支持压缩的请求体。Content-Encoding ${enc} is not accepted: send the body uncompressed.`);
  }
  const type = mediaType(req);
  if (route.body?.kind === 'json') {
    const json = type === 'application/json' || (type !== undefined && /^application\/[a-z0-9.+-]+\+json$/.test(type));
    const charset = /;\s*charset="?([^";]+)/i.exec(req.headers['content-type'] ?? '')?.[1]?.toLowerCase();
    if (!json || (charset && charset !== 'utf-8' && charset !== 'utf8')) {
      throw new SignetError('UNSUPPORTED_MEDIA_TYPE', `请求体须为 JSON。${req.method} ${route.path} takes a JSON body: send it with Content-Type: application/json (UTF-8), not ${req.headers['content-type'] ?? 'no Content-Type'}.`);
    }
  } else if (route.body?.kind === 'binary') {
    if (!type || !route.body.contentTypes.includes(type)) {
      throw new SignetError('UNSUPPORTED_MEDIA_TYPE', `不支持的文件类型。${req.method} ${route.path} takes ${route.body.contentTypes.join(' or ')}, not ${req.headers['content-type'] ?? 'no Content-Type'}.`);
    }
  }
}

function parseJson(raw: Buffer): unknown {
  if (raw.length === 0) {
    throw new SignetError('INVALID_ARGUMENT', '请求体为空。The request body is empty: send a JSON object with Content-Type: application/json.', { in: 'body', field: '', rule: 'required' });
  }
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch (e) {
    throw new SignetError('INVALID_ARGUMENT', `请求体不是合法的 JSON。The request body is not valid JSON (${(e as Error).message}): send a JSON document.`, { in: 'body', field: '', rule: 'json' });
  }
}

function send(res: Response, c: Compiled, result: unknown, check: boolean): void {
  if (res.headersSent) return;
  let status: number;
  let body: unknown;
  let contentType: string | undefined;
  if (result instanceof Reply) {
    status = result.status;
    body = result.body;
    contentType = result.contentType;
    for (const [k, v] of Object.entries(result.headers)) res.setHeader(k, v);
  } else if (result === undefined) {
    status = 204;
  } else {
    status = Number(Object.keys(c.route.responses).find((s) => Number(s) >= 200 && Number(s) < 300));
    body = result;
  }
  if (check) {
    if (!Object.hasOwn(c.route.responses, status)) {
      throw new SignetError('INTERNAL', `Contract check: ${c.route.operationId} answered ${status}, which it does not declare; add it to responses`);
    }
    const v = c.responses.get(status);
    if (v && contentType === undefined) {
      try {
        v(body);
      } catch (e) {
        throw new SignetError('INTERNAL', `Contract check: ${c.route.operationId}'s ${status} response does not match its schema: ${(e as Error).message}`);
      }
    }
  }
  res.status(status);
  if (contentType !== undefined) res.type(contentType).send(body);
  else if (body === undefined) res.end();
  else res.json(body);
}

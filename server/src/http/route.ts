/**
 * The route pattern: every API route is declared once, with its method, path, auth kinds, request
 * and response schemas (JSON Schema 2020-12, as OpenAPI 3.1 uses) and the error codes it can
 * return. `RouteRegistry` turns the declarations into express routes, ajv validators and the
 * OpenAPI document, so the three cannot drift apart.
 *
 * ```ts
 * export const getContract = defineRoute<{ params: { contractId: string }; result: ContractView }>({
 *   operationId: 'getContract', method: 'get', path: '/api/v1/contracts/:contractId',
 *   summary: '合同详情 Get a contract', tags: ['contracts'], auth: ['app', 'session'],
 *   responses: { 200: { description: 'The contract', schema: schemaRef('Contract') } },
 *   errors: ['NOT_FOUND'],
 *   handler: ({ actor, params }) => contracts.get(actor, params.contractId),
 * });
 * ```
 */
import type { Request, Response } from 'express';
import type { Actor, ErrorCode } from '@signet/core';
import type { AuthInfo, AuthKind } from '../auth/request-authenticator.js';

export type { AuthKind } from '../auth/request-authenticator.js';

/** A JSON Schema (2020-12) object. `$ref: '#/components/schemas/Name'` refers to a registered component. */
export type JsonSchema = { [keyword: string]: unknown };

/** HTTP methods a route can have (HEAD is answered by GET routes). */
export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** A JSON request body, validated against `schema`. */
export interface JsonBodySpec {
  kind: 'json';
  schema: JsonSchema;
  /** Largest accepted body in bytes (default 1 MiB). */
  maxBytes?: number;
  description?: string;
}

/** A raw request body (PDF, image, DER), handed to the handler as a Buffer. */
export interface BinaryBodySpec {
  kind: 'binary';
  /** Accepted media types, e.g. `['application/pdf']`. */
  contentTypes: readonly string[];
  /** Largest accepted body in bytes (default: the app's upload limit). */
  maxBytes?: number;
  description?: string;
}

/** One documented response of a route. */
export interface ResponseSpec {
  description: string;
  /** The JSON body's schema (the content type is then `application/json`). */
  schema?: JsonSchema;
  /** A non-JSON content type (`application/pdf`, `application/pkix-crl`, `text/html`). */
  contentType?: string;
  /** Response headers, by name. */
  headers?: Record<string, { description: string; schema: JsonSchema }>;
}

/** The TypeScript types of a route's inputs and result; every member is optional. */
export interface RouteTypes {
  params?: unknown;
  query?: unknown;
  body?: unknown;
  result?: unknown;
}

type Member<T, K extends keyof RouteTypes, D> = T extends { [P in K]: infer X } ? X : D;

/** What a handler gets. */
export interface RouteContext<T extends RouteTypes = RouteTypes, A = Actor> {
  /** Who is acting; undefined only on a `public` route called without credentials. */
  actor: A;
  /** How the request was authenticated (the session id for session routes). */
  auth: AuthInfo;
  /** The validated JSON body, or the raw Buffer of a binary body (empty when none was sent). */
  body: Member<T, 'body', unknown>;
  /** The validated path parameters. */
  params: Member<T, 'params', Record<string, string>>;
  /** The validated (and type-coerced) query parameters. */
  query: Member<T, 'query', Record<string, unknown>>;
  req: Request;
  res: Response;
  /** The request id (also in the X-Request-Id response header and the log line). */
  requestId: string;
}

/** Everything a route declares except its handler and auth kinds. */
export interface RouteSpecBase {
  /** A unique, camelCase operation id (OpenAPI `operationId`). */
  operationId: string;
  method: HttpMethod;
  /** The full express path, with `:name` parameters: `/api/v1/contracts/:contractId`. */
  path: string;
  /** One line; zh-CN first, English alongside. */
  summary: string;
  description?: string;
  tags: readonly string[];
  /** The path parameters' schema (default: every `:name` a required string). */
  params?: JsonSchema;
  /** The query's schema: an object schema whose properties are the parameters. */
  query?: JsonSchema;
  body?: JsonBodySpec | BinaryBodySpec;
  /** Success responses by status. */
  responses: Readonly<Record<number, ResponseSpec>>;
  /** Error codes the handler can throw. Auth, validation, size and media-type codes are added for you. */
  errors?: readonly ErrorCode[];
  /**
   * An HTML page (`/verify`, `/sign/:linkToken`, `/console`), not an API operation: it runs through
   * the same pipeline (auth, limits, error shape) but is left out of the OpenAPI document.
   */
  page?: boolean;
}

/** A handler's return value: data (sent as JSON), a {@link Reply}, or nothing (204, or the handler used `res`). */
export type HandlerResult<R> = R | Reply | undefined | Promise<R | Reply | undefined>;

/** A route declaration with its handler. */
export interface RouteSpec<T extends RouteTypes, A> extends RouteSpecBase {
  /** The credential kinds accepted; list `public` to allow calls without any. */
  auth: readonly AuthKind[];
  handler: (ctx: RouteContext<T, A>) => HandlerResult<Member<T, 'result', unknown>>;
}

/** A declared route, with its types erased (what the registry holds). */
export type RouteDef = RouteSpecBase & {
  auth: readonly AuthKind[];
  handler: (ctx: RouteContext<RouteTypes, Actor | undefined>) => HandlerResult<unknown>;
};

/**
 * Declares a route. The handler's `actor` is an `Actor` on routes that require credentials, and
 * `Actor | undefined` on routes that list `public`.
 */
export function defineRoute<T extends RouteTypes = RouteTypes>(spec: RouteSpec<T, Actor> & { auth: readonly Exclude<AuthKind, 'public'>[] }): RouteDef;
export function defineRoute<T extends RouteTypes = RouteTypes>(spec: RouteSpec<T, Actor | undefined>): RouteDef;
export function defineRoute(spec: object): RouteDef {
  return spec as RouteDef;
}

/** A response other than plain JSON with the route's first success status. */
export class Reply {
  constructor(
    readonly status: number,
    readonly body: unknown,
    /** Set for bytes and text; undefined means JSON. */
    readonly contentType?: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {}
}

/** Builders of {@link Reply}. */
export const reply = {
  /** JSON with another status (201 Created) or extra headers. */
  json(data: unknown, opts: { status?: number; headers?: Record<string, string> } = {}): Reply {
    return new Reply(opts.status ?? 200, data, undefined, opts.headers);
  },
  /** Bytes or text with a content type; `filename` adds a Content-Disposition (RFC 6266, UTF-8 safe). */
  bytes(body: Uint8Array | string, contentType: string, opts: { status?: number; headers?: Record<string, string>; filename?: string } = {}): Reply {
    const headers = { ...opts.headers };
    if (opts.filename) {
      // No directory part and no leading dots, whatever the name went through before (e.g. ../../etc/passwd).
      const name = opts.filename.replace(/[\\/\u0000-\u001f\u007f]/g, '_').replace(/^\.+/, '_');
      headers['Content-Disposition'] = `attachment; filename="${name.replace(/[^\x20-\x7e]|["\\]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(name)}`;
    }
    return new Reply(opts.status ?? 200, typeof body === 'string' ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength), contentType, headers);
  },
  /** No body (204 No Content by default). */
  empty(status = 204, headers: Record<string, string> = {}): Reply {
    return new Reply(status, undefined, undefined, headers);
  },
};

/** `{ $ref: '#/components/schemas/<name>' }`: a reference to a registered component schema. */
export function schemaRef(name: string): JsonSchema {
  return { $ref: `#/components/schemas/${name}` };
}

import assert from 'node:assert/strict';
import { SignetError } from '@signet/core';
import { startTestServer, type TestServer } from '../testing/index.js';
import { defineRoute, reply, type RouteDef } from './route.js';
import { RouteRegistry } from './route-registry.js';

interface ApiError {
  code: string;
  message: string;
  details?: { field?: string; in?: string; limitBytes?: number };
}

const CONTRACT_BODY = {
  type: 'object',
  additionalProperties: false,
  required: ['title', 'signers'],
  properties: {
    title: { type: 'string', minLength: 1 },
    signers: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['name', 'order'],
        properties: { name: { type: 'string' }, order: { type: 'integer', minimum: 1 }, mode: { enum: ['sequential', 'parallel'] } },
      },
    },
    deadline: { type: 'string', format: 'date-time' },
  },
};

describe('RouteRegistry: the request pipeline', function () {
  this.timeout(60_000);
  let srv: TestServer;
  const reached: string[] = [];

  const testRoutes = (): RouteDef[] => [
    defineRoute<{ body: unknown; query: { limit: number; dryRun?: boolean } }>({
      operationId: 'testCreateContract',
      method: 'post',
      path: '/api/v1/test/contracts',
      summary: 'test',
      tags: ['test'],
      auth: ['public'],
      query: { type: 'object', properties: { limit: { type: 'integer', minimum: 1, maximum: 100, default: 20 }, dryRun: { type: 'boolean' } } },
      body: { kind: 'json', schema: CONTRACT_BODY, maxBytes: 1024 },
      responses: { 201: { description: 'made', schema: { type: 'object', required: ['body', 'query'] } } },
      handler: ({ body, query }) => {
        reached.push('create');
        return { body, query };
      },
    }),
    defineRoute<{ params: { contractId: string } }>({
      operationId: 'testGetContract',
      method: 'get',
      path: '/api/v1/test/contracts/:contractId',
      summary: 'test',
      tags: ['test'],
      auth: ['public'],
      params: { type: 'object', required: ['contractId'], properties: { contractId: { type: 'string', pattern: '^ct_[a-z0-9]+$' } } },
      responses: { 200: { description: 'ok', schema: { type: 'object', required: ['id'], properties: { id: { type: 'string' } } } } },
      errors: ['NOT_FOUND'],
      handler: ({ params }) => {
        reached.push('get');
        if (params.contractId === 'ct_missing') throw new SignetError('NOT_FOUND', 'No contract ct_missing; check the id');
        if (params.contractId === 'ct_conflict') throw new SignetError('VERSION_CONFLICT');
        if (params.contractId === 'ct_badshape') return { id: 42 };
        if (params.contractId === 'ct_boom') throw new Error('database on fire');
        return { id: params.contractId };
      },
    }),
    defineRoute<{ body: Buffer }>({
      operationId: 'testUpload',
      method: 'post',
      path: '/api/v1/test/upload',
      summary: 'test',
      tags: ['test'],
      auth: ['public'],
      body: { kind: 'binary', contentTypes: ['application/pdf'], maxBytes: 1000 },
      responses: { 200: { description: 'ok', schema: { type: 'object' } } },
      handler: ({ body }) => {
        reached.push('upload');
        return { size: body.length };
      },
    }),
    defineRoute({
      operationId: 'testBytes',
      method: 'get',
      path: '/api/v1/test/file',
      summary: 'test',
      tags: ['test'],
      auth: ['public'],
      responses: { 200: { description: 'a file', contentType: 'application/pdf' } },
      handler: () => reply.bytes(Buffer.from('%PDF-1.7\n'), 'application/pdf', { filename: '劳动合同.pdf' }),
    }),
  ];

  before(async () => {
    srv = await startTestServer({ routes: () => [{ routes: testRoutes() }] });
  });
  after(() => srv?.close());
  beforeEach(() => { reached.length = 0; });

  const post = (body: string | Uint8Array, headers: Record<string, string> = { 'content-type': 'application/json' }, path = '/api/v1/test/contracts') =>
    fetch(`${srv.baseUrl}${path}`, { method: 'POST', headers, body });
  const error = async (res: Response, status: number, code: string): Promise<ApiError> => {
    assert.equal(res.status, status);
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    const e = (await res.json()) as ApiError;
    assert.equal(e.code, code, e.message);
    assert.equal(typeof e.message, 'string');
    assert.equal(reached.length, 0, 'the handler must not run');
    return e;
  };
  const good = { title: '劳动合同', signers: [{ name: '张三', order: 1 }] };

  describe('validation (400 INVALID_ARGUMENT naming the field)', () => {
    it('accepts a valid body, and coerces and defaults the query', async () => {
      const res = await post(JSON.stringify(good), { 'content-type': 'application/json; charset=utf-8' }, '/api/v1/test/contracts?dryRun=true');
      assert.equal(res.status, 201);
      assert.deepEqual(await res.json(), { body: good, query: { dryRun: true, limit: 20 } });
    });

    it('names a missing field', async () => {
      const e = await error(await post(JSON.stringify({ signers: good.signers })), 400, 'INVALID_ARGUMENT');
      assert.match(e.message, /Missing field title/);
      assert.equal(e.details?.field, 'title');
    });

    it('names a field of the wrong type, nested in an array', async () => {
      const e = await error(await post(JSON.stringify({ ...good, signers: [{ name: 'a', order: 1 }, { name: 'b', order: 'second' }] })), 400, 'INVALID_ARGUMENT');
      assert.match(e.message, /signers\[1\]\.order must be of type integer/);
      assert.equal(e.details?.field, 'signers[1].order');
    });

    it('names a missing field nested in an array', async () => {
      const e = await error(await post(JSON.stringify({ ...good, signers: [{ order: 1 }] })), 400, 'INVALID_ARGUMENT');
      assert.match(e.message, /signers\[0\]\.name/);
    });

    it('names an unknown field', async () => {
      const e = await error(await post(JSON.stringify({ ...good, titel: 'typo' })), 400, 'INVALID_ARGUMENT');
      assert.match(e.message, /titel/);
    });

    it('lists the allowed values of an enum', async () => {
      const e = await error(await post(JSON.stringify({ ...good, signers: [{ name: 'a', order: 1, mode: 'random' }] })), 400, 'INVALID_ARGUMENT');
      assert.match(e.message, /signers\[0\]\.mode must be one of "sequential", "parallel"/);
    });

    it('checks formats (date-time)', async () => {
      const e = await error(await post(JSON.stringify({ ...good, deadline: 'next tuesday' })), 400, 'INVALID_ARGUMENT');
      assert.match(e.message, /deadline/);
      assert.equal((await post(JSON.stringify({ ...good, deadline: '2026-03-01T12:00:00+08:00' }))).status, 201);
    });

    it('refuses malformed JSON', async () => {
      const e = await error(await post('{"title": "x", '), 400, 'INVALID_ARGUMENT');
      assert.match(e.message, /not valid JSON/);
    });

    it('refuses an empty JSON body, saying what to send', async () => {
      const e = await error(await post(''), 400, 'INVALID_ARGUMENT');
      assert.match(e.message, /empty.*application\/json/);
    });

    it('refuses JSON of the wrong shape at the top level', async () => {
      const e = await error(await post('[1,2]'), 400, 'INVALID_ARGUMENT');
      assert.match(e.message, /The request body must be of type object/);
    });

    it('names a query parameter of the wrong type', async () => {
      const e = await error(await post(JSON.stringify(good), undefined, '/api/v1/test/contracts?limit=lots'), 400, 'INVALID_ARGUMENT');
      assert.match(e.message, /query parameter "limit" must be of type integer/i);
    });

    it('names a malformed path parameter', async () => {
      const e = await error(await fetch(`${srv.baseUrl}/api/v1/test/contracts/42`), 400, 'INVALID_ARGUMENT');
      assert.match(e.message, /path parameter "contractId" must match pattern/i);
    });
  });

  describe('limits and media types', () => {
    it('answers an oversized JSON body with 413 PAYLOAD_TOO_LARGE, naming the limit', async () => {
      const e = await error(await post(JSON.stringify({ ...good, title: 'x'.repeat(2000) })), 413, 'PAYLOAD_TOO_LARGE');
      assert.match(e.message, /1 KiB/);
      assert.equal(e.details?.limitBytes, 1024);
    });

    it('answers an oversized upload with 413, per route', async () => {
      await error(await post(new Uint8Array(1001), { 'content-type': 'application/pdf' }, '/api/v1/test/upload'), 413, 'PAYLOAD_TOO_LARGE');
      const ok = await post(new Uint8Array(1000), { 'content-type': 'application/pdf' }, '/api/v1/test/upload');
      assert.deepEqual(await ok.json(), { size: 1000 });
    });

    it('answers a non-JSON body on a JSON route with 415 UNSUPPORTED_MEDIA_TYPE', async () => {
      const e = await error(await post('title=x', { 'content-type': 'application/x-www-form-urlencoded' }), 415, 'UNSUPPORTED_MEDIA_TYPE');
      assert.match(e.message, /application\/json/);
      await error(await post(JSON.stringify(good), { 'content-type': 'text/plain' }), 415, 'UNSUPPORTED_MEDIA_TYPE');
      await error(await post(JSON.stringify(good), {}), 415, 'UNSUPPORTED_MEDIA_TYPE');
    });

    it('answers JSON in another charset with 415', async () => {
      await error(await post(JSON.stringify(good), { 'content-type': 'application/json; charset=gbk' }), 415, 'UNSUPPORTED_MEDIA_TYPE');
    });

    it('answers a compressed body with 415', async () => {
      await error(await post(JSON.stringify(good), { 'content-type': 'application/json', 'content-encoding': 'gzip' }), 415, 'UNSUPPORTED_MEDIA_TYPE');
    });

    it('answers an upload of the wrong type with 415, listing the accepted ones', async () => {
      const e = await error(await post(new Uint8Array(10), { 'content-type': 'image/png' }, '/api/v1/test/upload'), 415, 'UNSUPPORTED_MEDIA_TYPE');
      assert.match(e.message, /application\/pdf/);
    });
  });

  describe('unknown paths and methods', () => {
    it('answers an unknown path with 404 {code, message}', async () => {
      await error(await fetch(`${srv.baseUrl}/api/v1/nothing`), 404, 'NOT_FOUND');
      await error(await fetch(`${srv.baseUrl}/nothing`, { method: 'POST' }), 404, 'NOT_FOUND');
    });

    it('answers a known path with another method with 405 and an Allow header', async () => {
      let res = await fetch(`${srv.baseUrl}/api/v1/test/contracts`, { method: 'DELETE' });
      await error(res, 405, 'METHOD_NOT_ALLOWED');
      assert.equal(res.headers.get('allow'), 'POST');
      res = await fetch(`${srv.baseUrl}/api/v1/verify`);
      await error(res, 405, 'METHOD_NOT_ALLOWED');
      assert.equal(res.headers.get('allow'), 'POST');
      res = await fetch(`${srv.baseUrl}/api/v1/test/contracts/ct_1`, { method: 'PUT' });
      assert.equal(res.headers.get('allow'), 'GET, HEAD');
    });

    it('passes a handler\'s declared SignetError through with its status', async () => {
      const res = await fetch(`${srv.baseUrl}/api/v1/test/contracts/ct_missing`);
      assert.equal(res.status, 404);
      assert.deepEqual(await res.json(), { code: 'NOT_FOUND', message: 'No contract ct_missing; check the id' });
    });

    it('answers an unexpected exception with 500 INTERNAL quoting the request id, and logs it', async () => {
      const res = await fetch(`${srv.baseUrl}/api/v1/test/contracts/ct_boom`, { headers: { 'x-request-id': 'trace-boom-0001' } });
      assert.equal(res.status, 500);
      const e = (await res.json()) as ApiError;
      assert.equal(e.code, 'INTERNAL');
      assert.match(e.message, /trace-boom-0001/);
      assert.ok(!e.message.includes('database on fire'), 'internals stay out of the response');
      assert.ok(srv.logs.some((l) => l.startsWith('trace-boom-0001 internal error: Error: database on fire')));
    });
  });

  describe('contract checks (test mode)', () => {
    it('turns an error code the route does not declare into a 500 that says so', async () => {
      const res = await fetch(`${srv.baseUrl}/api/v1/test/contracts/ct_conflict`);
      assert.equal(res.status, 500);
      assert.match(((await res.json()) as ApiError).message, /testGetContract returned VERSION_CONFLICT.*does not declare/);
    });

    it('turns a response that does not match its schema into a 500 that says so', async () => {
      const res = await fetch(`${srv.baseUrl}/api/v1/test/contracts/ct_badshape`);
      assert.equal(res.status, 500);
      assert.match(((await res.json()) as ApiError).message, /response does not match its schema.*id must be of type string/);
    });
  });

  describe('hygiene', () => {
    it('sets security headers, and no-store on the API', async () => {
      const res = await fetch(`${srv.baseUrl}/api/v1/test/contracts/ct_1`);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(res.headers.get('referrer-policy'), 'no-referrer');
      assert.equal(res.headers.get('cache-control'), 'no-store');
      assert.match(res.headers.get('content-security-policy')!, /frame-ancestors 'none'/);
      assert.equal(res.headers.get('x-powered-by'), null);
      const page = await fetch(`${srv.baseUrl}/verify`);
      assert.equal(page.headers.get('x-frame-options'), 'DENY');
    });

    it('echoes a plain X-Request-Id and makes one up otherwise', async () => {
      const given = await fetch(`${srv.baseUrl}/healthz`, { headers: { 'x-request-id': 'oa-7f3a9c21' } });
      assert.equal(given.headers.get('x-request-id'), 'oa-7f3a9c21');
      const odd = await fetch(`${srv.baseUrl}/healthz`, { headers: { 'x-request-id': 'bad id\u00e9' } });
      assert.match(odd.headers.get('x-request-id')!, /^req_[A-Za-z0-9_-]{12}$/);
    });

    it('logs the route pattern, never the query or the body', async () => {
      await post(JSON.stringify({ ...good, title: '保密标题' }), undefined, '/api/v1/test/contracts?dryRun=true&secret=s3cr3t');
      await fetch(`${srv.baseUrl}/api/v1/test/contracts/ct_abc123`);
      const log = srv.logs.join('\n');
      assert.match(log, /POST \/api\/v1\/test\/contracts 201 [\d.]+ms/);
      assert.match(log, /GET \/api\/v1\/test\/contracts\/:contractId 200/);
      for (const s of ['s3cr3t', 'dryRun', '保密标题', 'ct_abc123']) assert.ok(!log.includes(s), `log leaks ${s}`);
    });

    it('logs the error code of a refused request', async () => {
      await post('{', undefined);
      assert.ok(srv.logs.some((l) => / POST \/api\/v1\/test\/contracts 400 .* code=INVALID_ARGUMENT$/.test(l)));
    });

    it('sends bytes with their content type and a UTF-8 safe Content-Disposition', async () => {
      const res = await fetch(`${srv.baseUrl}/api/v1/test/file`);
      assert.equal(res.headers.get('content-type'), 'application/pdf');
      assert.equal(res.headers.get('content-disposition'), `attachment; filename="____.pdf"; filename*=UTF-8''${encodeURIComponent('劳动合同.pdf')}`);
      assert.equal(await res.text(), '%PDF-1.7\n');
    });
  });

  describe('declarations', () => {
    const base = { summary: 's', tags: ['t'], responses: { 200: { description: 'ok' } }, handler: () => undefined };
    it('refuses a duplicate operationId, a duplicate method + path, a malformed path, no auth, no 2xx, and a GET with a body', () => {
      const r = (over: Partial<RouteDef>) => defineRoute({ ...base, operationId: 'a', method: 'get', path: '/api/v1/a', auth: ['public'], ...over } as RouteDef);
      assert.throws(() => new RouteRegistry().add({ routes: [r({}), r({ path: '/api/v1/b' })] }), /operationId a is used twice/);
      assert.throws(() => new RouteRegistry().add({ routes: [r({ path: '/api/v1/x/:id' }), r({ operationId: 'b', path: '/api/v1/x/:other' })] }), /declared twice/);
      assert.throws(() => new RouteRegistry().add({ routes: [r({ path: '/api/v1/x/*' })] }), /must be \/segments/);
      assert.throws(() => new RouteRegistry().add({ routes: [r({ auth: [] })] }), /no auth kind/);
      assert.throws(() => new RouteRegistry().add({ routes: [r({ responses: { 302: { description: 'x' } } })] }), /no 2xx/);
      assert.throws(() => new RouteRegistry().add({ routes: [r({ body: { kind: 'json', schema: { type: 'object' } } })] }), /GET route takes no body/);
    });
  });
});

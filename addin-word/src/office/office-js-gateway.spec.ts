import assert from 'node:assert/strict';
import { OfficeMockObject } from 'office-addin-mock';
import { isAddinError } from '../addin-error.js';
import { ANCHOR_STYLE, OfficeJsGateway } from './office-js-gateway.js';

type Callback<T> = (r: { status: string; value?: T; error?: { code: number; message: string } }) => void;

/** The `Office` namespace: enums as Office.js defines them at run time, plus hand-written async APIs. */
function officeNamespace(opts: {
  supported?: string[];
  getFileAsync?: (type: string, options: { sliceSize: number }, cb: Callback<unknown>) => void;
  displayDialogAsync?: (url: string, options: unknown, cb: Callback<unknown>) => void;
  url?: string;
} = {}) {
  const supported = new Set(opts.supported ?? ['PdfFile 1.1', 'CompressedFile 1.1', 'WordApi 1.3']);
  return {
    AsyncResultStatus: { Succeeded: 'succeeded', Failed: 'failed' },
    FileType: { Text: 'text', Compressed: 'compressed', Pdf: 'pdf' },
    EventType: { DialogMessageReceived: 'dialogMessageReceived', DialogEventReceived: 'dialogEventReceived' },
    context: {
      diagnostics: { host: 'Word', platform: 'PC', version: '16.0' },
      requirements: { isSetSupported: (name: string, v: string) => supported.has(`${name} ${v}`) },
      document: { url: 'C:\\Docs\\Service%20Agreement.docx', getFileAsync: opts.getFileAsync ?? (() => { throw new Error('unexpected getFileAsync'); }) },
      ui: { displayDialogAsync: opts.displayDialogAsync ?? (() => { throw new Error('unexpected dialog'); }), openBrowserWindow: () => {} },
    },
  } as unknown as typeof Office;
}

/** A file for getFileAsync: `bytes` in slices of `sliceSize`; records whether it was closed. */
function fileOf(bytes: Uint8Array, sliceSize: number, log: string[]) {
  return {
    size: bytes.length,
    sliceCount: Math.ceil(bytes.length / sliceSize),
    getSliceAsync: (i: number, cb: Callback<unknown>) => cb({ status: 'succeeded', value: { index: i, data: Array.from(bytes.subarray(i * sliceSize, (i + 1) * sliceSize)), size: 0 } }),
    closeAsync: (cb?: Callback<void>) => { log.push('closed'); cb?.({ status: 'succeeded' }); },
  };
}

/** Word's object model through office-addin-mock: properties must be loaded and synced before they are read. */
function wordMock(data: { controls?: any[]; selectionText?: string; title?: string; properties?: { key: string; value: string }[] }) {
  const added: [string, string][] = [];
  const insertedOoxml: string[] = [];
  const insertedHtml: string[] = [];
  const mock = new OfficeMockObject({
    context: {
      document: {
        contentControls: { items: data.controls ?? [] },
        selection: {
          text: data.selectionText ?? '',
          newControl: { id: 41, text: data.selectionText ?? '', tag: '', title: '', appearance: '', color: '' },
          after: {
            font: { color: '', size: 11 },
            control: { id: 42, text: '', tag: '', title: '', appearance: '', color: '', cannotEdit: false },
            insertContentControl: function (this: any) { return this.control; },
          },
          insertContentControl: function (this: any) { return this.newControl; },
          insertText: function (this: any, text: string, where: string) {
            this.insertedText = `${where}:${text}`;
            this.after.control.text = text;
            return this.after;
          },
          insertOoxml: (x: string, where: string) => { insertedOoxml.push(`${where}:${x}`); },
          insertHtml: (x: string, where: string) => { insertedHtml.push(`${where}:${x}`); },
        },
        getSelection: function (this: any) { return this.selection; },
        properties: {
          title: data.title ?? '',
          customProperties: { items: data.properties ?? [], add: (k: string, v: string) => { added.push([k, v]); } },
        },
      },
    },
    run: async function (this: any, batch: (ctx: any) => Promise<unknown>) { return batch(this.context); },
  });
  return { word: mock as unknown as typeof Word, mock: mock as any, added, insertedOoxml, insertedHtml };
}

function control(id: number, tag: string, text: string) {
  const c: any = { id, tag, text, title: '', replaced: undefined as string | undefined };
  c.insertText = (t: string, where: string) => { c.replaced = `${where}:${t}`; };
  return c;
}

describe('OfficeJsGateway', () => {
  describe('content controls (office-addin-mock)', () => {
    it('lists only controls with a well-formed Signet tag, parsed', async () => {
      const w = wordMock({ controls: [control(1, 'signet:var:partyAName', 'Acme'), control(2, 'other:thing', 'x'), control(3, 'signet:sign:partyA', 'signet:sign:partyA'), control(4, 'signet:sign:bad role', '')] });
      const g = new OfficeJsGateway({ office: officeNamespace(), word: w.word });
      const list = await g.listControls();
      assert.deepEqual(list.map((c) => [c.id, c.tag]), [[1, { kind: 'var', name: 'partyAName' }], [3, { kind: 'sign', role: 'partyA' }]]);
    });

    it('wraps the selection in a signet:var control, reading its id only after a sync', async () => {
      const w = wordMock({ selectionText: 'Acme Trading Ltd' });
      const g = new OfficeJsGateway({ office: officeNamespace(), word: w.word });
      const c = await g.makeVariableFromSelection('partyAName');
      const cc = w.mock.context.document.selection.newControl;
      assert.equal(cc.tag, 'signet:var:partyAName');
      assert.equal(cc.title, '变量 partyAName');
      assert.equal(cc.appearance, 'BoundingBox');
      assert.equal(c.id, 41);
      assert.equal(c.text, 'Acme Trading Ltd');
    });

    it('refuses to make a variable from an empty selection, inserting nothing', async () => {
      const w = wordMock({ selectionText: '   ' });
      const g = new OfficeJsGateway({ office: officeNamespace(), word: w.word });
      await assert.rejects(g.makeVariableFromSelection('x'), (e: unknown) => isAddinError(e, 'OFFICE_SELECTION_EMPTY'));
      // Never assigned: office-addin-mock still reports the property as not loaded.
      assert.notEqual(w.mock.context.document.selection.newControl.tag, 'signet:var:x');
      assert.match(String(w.mock.context.document.selection.newControl.tag), /not loaded/);
    });

    it('inserts a party marker after the selection as 1 pt white anchor text in a tagged, locked control', async () => {
      const w = wordMock({});
      const g = new OfficeJsGateway({ office: officeNamespace(), word: w.word });
      const c = await g.insertPartyMarker('seal', 'partyB');
      const sel = w.mock.context.document.selection;
      assert.equal(sel.insertedText, 'After:signet:seal:partyB');
      assert.equal(sel.after.font.color, ANCHOR_STYLE.color);
      assert.equal(sel.after.font.size, 1);
      assert.equal(sel.after.control.tag, 'signet:seal:partyB');
      assert.equal(sel.after.control.cannotEdit, true);
      assert.equal(sel.after.control.appearance, 'Tags');
      assert.deepEqual(c.tag, { kind: 'seal', role: 'partyB' });
      assert.equal(c.id, 42);
    });

    it('refuses a role that would not survive as anchor text before touching Word', async () => {
      const w = wordMock({});
      const g = new OfficeJsGateway({ office: officeNamespace(), word: w.word });
      await assert.rejects(g.insertPartyMarker('sign', '甲方'), (e: unknown) => isAddinError(e, 'INVALID_ARGUMENT'));
      assert.equal(w.mock.context.document.selection.insertedText, undefined);
    });

    it('fills every control of each variable in one batch and reports the variables left without a value', async () => {
      const a1 = control(1, 'signet:var:partyAName', 'Party A');
      const a2 = control(2, 'signet:var:partyAName', 'Party A');
      const b = control(3, 'signet:var:fee', '');
      const m = control(4, 'signet:sign:partyA', 'signet:sign:partyA');
      const w = wordMock({ controls: [a1, a2, b, m] });
      const g = new OfficeJsGateway({ office: officeNamespace(), word: w.word });
      const out = await g.fillVariables({ partyAName: 'Acme Trading Ltd', toString: 'x' });
      assert.deepEqual(out, { filledControls: 2, unfilled: ['fee'] });
      assert.equal(a1.replaced, 'Replace:Acme Trading Ltd');
      assert.equal(a2.replaced, 'Replace:Acme Trading Ltd');
      assert.equal(m.replaced, undefined);
    });

    it('updates one variable control by id but refuses to rewrite a marker\'s anchor', async () => {
      const v = control(7, 'signet:var:fee', '1');
      const m = control(8, 'signet:date:partyA', 'signet:date:partyA');
      const g = new OfficeJsGateway({ office: officeNamespace(), word: wordMock({ controls: [v, m] }).word });
      await g.updateControl(7, '2');
      assert.equal(v.replaced, 'Replace:2');
      await assert.rejects(g.updateControl(8, 'x'), (e: unknown) => isAddinError(e, 'INVALID_ARGUMENT'));
      await assert.rejects(g.updateControl(99, 'x'), (e: unknown) => isAddinError(e, 'NOT_FOUND'));
    });

    it('inserts an OOXML clause with insertOoxml and an HTML clause with insertHtml, replacing the selection', async () => {
      const w = wordMock({});
      const g = new OfficeJsGateway({ office: officeNamespace(), word: w.word });
      await g.insertClause({ format: 'ooxml', content: '<pkg:package xmlns:pkg="x"></pkg:package>' });
      await g.insertClause({ format: 'html', content: '<p>Hi</p>' });
      assert.deepEqual(w.insertedOoxml, ['Replace:<pkg:package xmlns:pkg="x"></pkg:package>']);
      assert.deepEqual(w.insertedHtml, ['Replace:<p>Hi</p>']);
      await assert.rejects(g.insertClause({ format: 'ooxml', content: '<w:p/>' }), (e: unknown) => isAddinError(e, 'INVALID_ARGUMENT'));
    });

    it('reads custom properties case-insensitively and writes them with add()', async () => {
      const w = wordMock({ properties: [{ key: 'SignetContractIds', value: 'c2,c1' }] });
      const g = new OfficeJsGateway({ office: officeNamespace(), word: w.word });
      assert.equal(await g.getCustomProperty('signetcontractids'), 'c2,c1');
      assert.equal(await g.getCustomProperty('Other'), undefined);
      await g.setCustomProperty('SignetContractIds', 'c3,c2,c1');
      assert.deepEqual(w.added, [['SignetContractIds', 'c3,c2,c1']]);
      await assert.rejects(g.setCustomProperty('K', 'x'.repeat(256)), (e: unknown) => isAddinError(e, 'INVALID_ARGUMENT'));
    });

    it('refuses custom properties with a clear error where WordApi 1.3 is missing', async () => {
      const g = new OfficeJsGateway({ office: officeNamespace({ supported: ['PdfFile 1.1'] }), word: wordMock({}).word });
      await assert.rejects(g.getCustomProperty('x'), (e: unknown) => isAddinError(e, 'OFFICE_UNSUPPORTED') && /WordApi 1\.3/.test(e.message));
    });

    it('names the document by its title, else by its file name', async () => {
      assert.equal(await new OfficeJsGateway({ office: officeNamespace(), word: wordMock({ title: ' Lease ' }).word }).documentTitle(), 'Lease');
      assert.equal(await new OfficeJsGateway({ office: officeNamespace(), word: wordMock({}).word }).documentTitle(), 'Service Agreement');
    });

    it('turns a Word error into OFFICE_CALL_FAILED naming the call', async () => {
      const w = wordMock({});
      w.mock.run = async () => { throw Object.assign(new Error('The requested resource doesn\'t exist.'), { code: 'ItemNotFound' }); };
      const g = new OfficeJsGateway({ office: officeNamespace(), word: w.word });
      await assert.rejects(g.listControls(), (e: unknown) => isAddinError(e, 'OFFICE_CALL_FAILED') && /contentControls/.test(e.message) && /ItemNotFound/.test(e.message));
    });
  });

  describe('.exportDocument()', () => {
    const bytes = Uint8Array.from({ length: 9000 }, (_, i) => (i * 7) % 256);

    it('exports PDF in slices of the given size and closes the file', async () => {
      const log: string[] = [];
      const office = officeNamespace({ getFileAsync: (type, o, cb) => { log.push(`${type}/${o.sliceSize}`); cb({ status: 'succeeded', value: fileOf(bytes, o.sliceSize, log) }); } });
      const out = await new OfficeJsGateway({ office, word: wordMock({}).word }).exportDocument({ sliceSize: 4000 });
      assert.equal(out.format, 'pdf');
      assert.equal(out.sliceCount, 3);
      assert.deepEqual(out.bytes, bytes);
      assert.equal(out.fallbackReason, undefined);
      assert.deepEqual(log, ['pdf/4000', 'closed']);
    });

    it('exports DOCX, and says why, where this Word lacks PdfFile 1.1', async () => {
      const log: string[] = [];
      const office = officeNamespace({ supported: ['CompressedFile 1.1'], getFileAsync: (type, o, cb) => { log.push(String(type)); cb({ status: 'succeeded', value: fileOf(bytes, o.sliceSize, log) }); } });
      const out = await new OfficeJsGateway({ office, word: wordMock({}).word }).exportDocument();
      assert.equal(out.format, 'docx');
      assert.match(out.fallbackReason!, /PdfFile 1\.1/);
      assert.deepEqual(log, ['compressed', 'closed']);
    });

    it('falls back to DOCX when Word refuses to open a PDF export', async () => {
      const log: string[] = [];
      const office = officeNamespace({
        getFileAsync: (type, o, cb) => {
          log.push(String(type));
          if (type === 'pdf') cb({ status: 'failed', error: { code: 5001, message: 'Internal error' } });
          else cb({ status: 'succeeded', value: fileOf(bytes, o.sliceSize, log) });
        },
      });
      const out = await new OfficeJsGateway({ office, word: wordMock({}).word }).exportDocument();
      assert.equal(out.format, 'docx');
      assert.match(out.fallbackReason!, /5001/);
      assert.deepEqual(log, ['pdf', 'compressed', 'closed']);
    });

    it('does not fall back when a PDF slice fails mid-read: it closes the file and reports the error', async () => {
      const log: string[] = [];
      const office = officeNamespace({
        getFileAsync: (type, o, cb) => {
          log.push(String(type));
          const f = fileOf(bytes, o.sliceSize, log);
          f.getSliceAsync = (i, scb) => (i === 1 ? scb({ status: 'failed', error: { code: 5002, message: 'Slice failed' } }) : fileOf(bytes, o.sliceSize, log).getSliceAsync(i, scb));
          cb({ status: 'succeeded', value: f });
        },
      });
      await assert.rejects(new OfficeJsGateway({ office, word: wordMock({}).word }).exportDocument({ sliceSize: 4000 }), (e: unknown) => isAddinError(e, 'OFFICE_EXPORT_FAILED'));
      assert.deepEqual(log, ['pdf', 'closed']);
    });

    it('refuses when neither PDF nor DOCX export is available', async () => {
      const office = officeNamespace({ supported: [] });
      await assert.rejects(new OfficeJsGateway({ office, word: wordMock({}).word }).exportDocument(), (e: unknown) => isAddinError(e, 'OFFICE_UNSUPPORTED'));
    });
  });

  describe('.openDialog()', () => {
    function dialogOffice(script: (handlers: Record<string, (arg: unknown) => void>) => void, log: string[], openError?: number) {
      return officeNamespace({
        displayDialogAsync: (url, _o, cb) => {
          log.push(`open ${url}`);
          if (openError) return cb({ status: 'failed', error: { code: openError, message: 'x' } });
          const handlers: Record<string, (arg: unknown) => void> = {};
          cb({ status: 'succeeded', value: { addEventHandler: (t: string, h: (arg: unknown) => void) => { handlers[t] = h; }, close: () => log.push('close') } });
          setTimeout(() => script(handlers));
        },
      });
    }

    it('resolves with the first message from the dialog\'s own origin and closes the dialog', async () => {
      const log: string[] = [];
      const office = dialogOffice((h) => {
        h.dialogMessageReceived({ message: 'from elsewhere', origin: 'https://evil.example' });
        h.dialogMessageReceived({ message: 'hello', origin: 'https://sign.example.com' });
        h.dialogMessageReceived({ message: 'again', origin: 'https://sign.example.com' });
      }, log);
      const msg = await new OfficeJsGateway({ office, word: wordMock({}).word }).openDialog('https://sign.example.com/addin/login.html');
      assert.equal(msg, 'hello');
      assert.deepEqual(log, ['open https://sign.example.com/addin/login.html', 'close']);
    });

    it('reports a dialog the user closed as OFFICE_DIALOG_CLOSED', async () => {
      const office = dialogOffice((h) => h.dialogEventReceived({ error: 12006 }), []);
      await assert.rejects(new OfficeJsGateway({ office, word: wordMock({}).word }).openDialog('https://a.example/login.html'), (e: unknown) => isAddinError(e, 'OFFICE_DIALOG_CLOSED'));
    });

    it('explains a dialog that cannot open (URL outside the add-in\'s domains)', async () => {
      const office = dialogOffice(() => {}, [], 12004);
      await assert.rejects(new OfficeJsGateway({ office, word: wordMock({}).word }).openDialog('https://a.example/login.html'), (e: unknown) => isAddinError(e, 'OFFICE_DIALOG_FAILED') && /AppDomains/.test(e.message));
    });
  });

  it('reports the host and the requirement sets it supports', () => {
    const info = new OfficeJsGateway({ office: officeNamespace({ supported: ['CompressedFile 1.1'] }), word: wordMock({}).word }).hostInfo();
    assert.deepEqual(info, { inOffice: true, host: 'Word', platform: 'PC', pdfExport: false, wordApi13: false });
  });
});

/**
 * {@link OfficeGateway} over Office.js: the only module that calls `Office.*` and `Word.*`. The
 * namespaces are injected, so unit tests drive it with office-addin-mock and hand-written fakes.
 *
 * Word APIs used: content controls (WordApi 1.1: `insertContentControl`, `contentControls`,
 * `insertText`, `insertOoxml`, `insertHtml`), custom document properties (WordApi 1.3), the
 * common file API (`getFileAsync` with requirement sets PdfFile 1.1 / CompressedFile 1.1), and
 * the dialog API (DialogApi 1.1).
 */
import { AddinError, isAddinError } from '../addin-error.js';
import { MAX_SLICE_SIZE, readFileInSlices, type ReadFile } from './file-export.js';
import type {
  ClauseContent, DialogOptions, ExportedDocument, ExportOptions, FillOutcome, HostInfo, OfficeGateway, SignetControl,
} from './office-gateway.js';
import { formatTag, isMarker, parseTag, type MarkerKind } from './signet-tag.js';

/** What {@link OfficeJsGateway} needs: the `Office` and `Word` namespaces (globals in the task pane). */
export interface OfficeJsGatewayDeps {
  office: typeof Office;
  word: typeof Word;
  /** Opens a URL outside Office when `openBrowserWindow` is missing (default `window.open`). */
  openWindow?: (url: string) => void;
}

/** The colour and size of anchor text: white on white, 1 pt (Word's smallest size). */
export const ANCHOR_STYLE = { color: '#FFFFFF', size: 1 } as const;

/** Label colours Word shows on Signet controls (not exported). */
const VARIABLE_COLOR = '#2B579A';
const MARKER_COLOR = '#C00000';

const MARKER_TITLES: Record<MarkerKind, string> = { sign: '签字 Sign', seal: '盖章 Seal', date: '日期 Date' };

/** The Office.js gateway used inside Word. */
export class OfficeJsGateway implements OfficeGateway {
  private readonly office: typeof Office;
  private readonly word: typeof Word;
  private readonly openWindow: (url: string) => void;

  constructor(deps: OfficeJsGatewayDeps) {
    this.office = deps.office;
    this.word = deps.word;
    this.openWindow = deps.openWindow ?? ((url) => { globalThis.open?.(url, '_blank', 'noopener'); });
  }

  hostInfo(): HostInfo {
    const ctx = this.office.context;
    const supported = (name: string, v: string) => Boolean(ctx?.requirements?.isSetSupported(name, v));
    return {
      inOffice: Boolean(ctx),
      host: ctx?.diagnostics?.host !== undefined ? String(ctx.diagnostics.host) : undefined,
      platform: ctx?.diagnostics?.platform !== undefined ? String(ctx.diagnostics.platform) : undefined,
      pdfExport: supported('PdfFile', '1.1'),
      wordApi13: supported('WordApi', '1.3'),
    };
  }

  async documentTitle(): Promise<string> {
    return this.run('properties.title', async (context) => {
      const props = context.document.properties;
      props.load('title');
      await context.sync();
      if (props.title?.trim()) return props.title.trim();
      const url = this.office.context.document?.url ?? '';
      const base = url.split(/[\\/]/).pop()?.replace(/\.[^.]*$/, '') ?? '';
      return base ? decodeURIComponent(base) : '未命名文档 Untitled document';
    });
  }

  async exportDocument(opts: ExportOptions = {}): Promise<ExportedDocument> {
    const sliceSize = opts.sliceSize ?? MAX_SLICE_SIZE;
    const info = this.hostInfo();
    const doc = this.office.context.document;
    let fallbackReason: string;
    if (info.pdfExport) {
      try {
        const pdf = await readFileInSlices(doc, this.office, this.office.FileType.Pdf, sliceSize);
        return { format: 'pdf', ...pdf };
      } catch (e) {
        // Only a refusal to produce a PDF at all falls back; a failure mid-read is a real error.
        if (!isAddinError(e, 'OFFICE_EXPORT_FAILED') || e.details?.stage !== 'open') throw e;
        fallbackReason = `Word 未能导出 PDF，已改为导出 DOCX（${e.details?.officeCode ?? ''}）。Word could not export PDF, so the document was exported as DOCX instead.`;
      }
    } else {
      fallbackReason = '此版本的 Word 不支持导出 PDF，已改为导出 DOCX。This Word cannot export PDF (requirement set PdfFile 1.1), so the document was exported as DOCX.';
    }
    if (!this.office.context.requirements.isSetSupported('CompressedFile', '1.1')) {
      throw new AddinError('OFFICE_UNSUPPORTED', '此版本的 Word 既不能导出 PDF 也不能导出 DOCX，请升级 Word 或使用网页版 Word。This Word can export neither PDF nor DOCX: update Word or use Word on the web.');
    }
    const docx: ReadFile = await readFileInSlices(doc, this.office, this.office.FileType.Compressed, sliceSize);
    return { format: 'docx', ...docx, fallbackReason };
  }

  async listControls(): Promise<SignetControl[]> {
    return this.run('contentControls', async (context) => {
      const ccs = context.document.contentControls;
      ccs.load('items');
      await context.sync();
      const out: SignetControl[] = [];
      for (const cc of ccs.items) {
        const tag = parseTag(cc.tag ?? '');
        if (tag) out.push({ id: cc.id, tag, tagText: cc.tag, title: cc.title ?? '', text: cc.text ?? '' });
      }
      return out;
    });
  }

  async makeVariableFromSelection(name: string): Promise<SignetControl> {
    const tagText = formatTag({ kind: 'var', name });
    return this.run('insertContentControl', async (context) => {
      const range = context.document.getSelection();
      range.load('text');
      await context.sync();
      if (!range.text || !range.text.trim()) {
        throw new AddinError('OFFICE_SELECTION_EMPTY', '请先在文档中选中要设为变量的文字。Select the text that should become the variable first.');
      }
      const cc = range.insertContentControl();
      cc.tag = tagText;
      cc.title = `变量 ${name}`;
      cc.appearance = 'BoundingBox';
      cc.color = VARIABLE_COLOR;
      cc.load('id,text');
      await context.sync();
      return { id: cc.id, tag: { kind: 'var', name }, tagText, title: `变量 ${name}`, text: cc.text };
    });
  }

  async insertVariable(name: string, text: string): Promise<SignetControl> {
    const tagText = formatTag({ kind: 'var', name });
    return this.run('insertContentControl', async (context) => {
      const range = context.document.getSelection().insertText(text || name, 'After');
      const cc = range.insertContentControl();
      cc.tag = tagText;
      cc.title = `变量 ${name}`;
      cc.appearance = 'BoundingBox';
      cc.color = VARIABLE_COLOR;
      cc.load('id,text');
      await context.sync();
      return { id: cc.id, tag: { kind: 'var', name }, tagText, title: `变量 ${name}`, text: cc.text };
    });
  }

  async insertPartyMarker(kind: MarkerKind, role: string): Promise<SignetControl> {
    const tagText = formatTag({ kind, role });
    const title = `${MARKER_TITLES[kind]} · ${role}`;
    return this.run('insertContentControl', async (context) => {
      // The anchor goes after the selection, so a marker never swallows the author's text.
      const range = context.document.getSelection().insertText(tagText, 'After');
      range.font.color = ANCHOR_STYLE.color;
      range.font.size = ANCHOR_STYLE.size;
      const cc = range.insertContentControl();
      cc.tag = tagText;
      cc.title = title;
      // Tags make the invisible anchor visible to the author in Word; they are not exported.
      cc.appearance = 'Tags';
      cc.color = MARKER_COLOR;
      cc.cannotEdit = true;
      cc.load('id,text');
      await context.sync();
      return { id: cc.id, tag: { kind, role }, tagText, title, text: cc.text };
    });
  }

  async updateControl(id: number, text: string): Promise<void> {
    return this.run('contentControls', async (context) => {
      const ccs = context.document.contentControls;
      ccs.load('items');
      await context.sync();
      const cc = ccs.items.find((c) => c.id === id);
      if (!cc) throw new AddinError('NOT_FOUND', `文档中已没有编号为 ${id} 的内容控件，请刷新列表。The content control ${id} is no longer in the document: refresh the list.`);
      const tag = parseTag(cc.tag ?? '');
      if (tag && isMarker(tag)) {
        throw new AddinError('INVALID_ARGUMENT', '签署位置标记的文字不能修改，请删除后重新插入。A party marker\'s anchor text cannot be changed: delete it and insert a new one.');
      }
      cc.insertText(text, 'Replace');
      await context.sync();
    });
  }

  async fillVariables(values: Readonly<Record<string, string>>): Promise<FillOutcome> {
    return this.run('contentControls', async (context) => {
      const ccs = context.document.contentControls;
      ccs.load('items');
      await context.sync();
      let filledControls = 0;
      const unfilled = new Set<string>();
      for (const cc of ccs.items) {
        const tag = parseTag(cc.tag ?? '');
        if (tag?.kind !== 'var') continue;
        const value = Object.hasOwn(values, tag.name) ? values[tag.name] : undefined;
        if (value === undefined || value === '') {
          unfilled.add(tag.name);
          continue;
        }
        cc.insertText(value, 'Replace');
        filledControls++;
      }
      if (filledControls > 0) await context.sync();
      return { filledControls, unfilled: [...unfilled] };
    });
  }

  async insertClause(clause: ClauseContent): Promise<void> {
    if (clause.format === 'ooxml' && !/<pkg:package[\s>]/.test(clause.content)) {
      throw new AddinError('INVALID_ARGUMENT', '条款的 OOXML 须为 Flat OPC 包（<pkg:package>）。An OOXML clause must be a Flat OPC package (<pkg:package>), as Word\'s insertOoxml expects.');
    }
    return this.run(clause.format === 'ooxml' ? 'insertOoxml' : 'insertHtml', async (context) => {
      const range = context.document.getSelection();
      if (clause.format === 'ooxml') range.insertOoxml(clause.content, 'Replace');
      else range.insertHtml(clause.content, 'Replace');
      await context.sync();
    });
  }

  async getCustomProperty(key: string): Promise<string | undefined> {
    this.requireWordApi13();
    return this.run('customProperties', async (context) => {
      const props = context.document.properties.customProperties;
      props.load('items');
      await context.sync();
      const k = key.toLowerCase();
      const hit = props.items.find((p) => p.key.toLowerCase() === k);
      return hit === undefined || hit.value === undefined || hit.value === null ? undefined : String(hit.value);
    });
  }

  async setCustomProperty(key: string, value: string): Promise<void> {
    this.requireWordApi13();
    if (value.length > 255) {
      throw new AddinError('INVALID_ARGUMENT', `文档属性值最长 255 个字符。A custom property value holds at most 255 characters; "${key}" has ${value.length}.`);
    }
    return this.run('customProperties.add', async (context) => {
      context.document.properties.customProperties.add(key, value);
      await context.sync();
    });
  }

  async openDialog(url: string, opts: DialogOptions = {}): Promise<string> {
    const office = this.office;
    const expectedOrigin = new URL(url).origin;
    return new Promise<string>((resolve, reject) => {
      office.context.ui.displayDialogAsync(url, { width: opts.width ?? 40, height: opts.height ?? 60 }, (r) => {
        if (r.status !== office.AsyncResultStatus.Succeeded) {
          reject(dialogOpenError(r.error));
          return;
        }
        const dialog = r.value;
        let settled = false;
        dialog.addEventHandler(office.EventType.DialogMessageReceived, (arg) => {
          if (settled || !('message' in arg)) return;
          // A page the dialog navigated to elsewhere must not speak for the login page.
          if (arg.origin !== undefined && arg.origin !== expectedOrigin) return;
          settled = true;
          dialog.close();
          resolve(arg.message);
        });
        dialog.addEventHandler(office.EventType.DialogEventReceived, (arg) => {
          if (settled || !('error' in arg)) return;
          settled = true;
          reject(dialogEventError(arg.error));
        });
      });
    });
  }

  openInBrowser(url: string): void {
    const ui = this.office.context?.ui;
    if (ui && typeof ui.openBrowserWindow === 'function' && this.office.context.requirements.isSetSupported('OpenBrowserWindowApi', '1.1')) {
      ui.openBrowserWindow(url);
    } else {
      this.openWindow(url);
    }
  }

  private requireWordApi13(): void {
    if (!this.hostInfo().wordApi13) {
      throw new AddinError('OFFICE_UNSUPPORTED', '此版本的 Word 不支持自定义文档属性（需要 WordApi 1.3），请升级 Word。This Word lacks custom document properties (WordApi 1.3): update Word.');
    }
  }

  /** Runs a Word batch, turning Word's errors into OFFICE_CALL_FAILED and passing AddinErrors through. */
  private async run<T>(what: string, batch: (context: Word.RequestContext) => Promise<T>): Promise<T> {
    try {
      return await this.word.run(batch);
    } catch (e) {
      if (e instanceof AddinError) throw e;
      const err = e as { code?: string; message?: string };
      throw new AddinError('OFFICE_CALL_FAILED', `Word 操作失败（${what}：${err.code ?? ''} ${err.message ?? String(e)}）。请重试；如仍失败，请重新打开文档。Word refused ${what} (${err.code ?? 'error'}: ${err.message ?? String(e)}): retry, or reopen the document.`, {
        details: { call: what, officeCode: err.code }, cause: e,
      });
    }
  }
}

/** Office dialog error codes (Office Add-ins: "Errors and events in the Office dialog box"). */
function dialogOpenError(error: Office.Error | undefined): AddinError {
  const code = error?.code;
  const why: Record<number, string> = {
    12004: '对话框地址不在加载项的域内。The dialog URL is not in the add-in\'s domain or AppDomains.',
    12005: '对话框地址必须使用 HTTPS。The dialog URL must use HTTPS.',
    12007: '已有一个对话框打开，请先关闭它。A dialog is already open: close it first.',
    12009: '您拒绝了打开对话框。You chose not to open the dialog.',
    12011: '浏览器阻止了弹出窗口，请允许弹出窗口。The browser blocked the pop-up: allow pop-ups for this site.',
  };
  const text = (code !== undefined && why[code]) || `${error?.message ?? '未知错误 unknown error'}`;
  return new AddinError('OFFICE_DIALOG_FAILED', `无法打开对话框：${text}`, { details: { officeCode: code } });
}

function dialogEventError(code: number): AddinError {
  if (code === 12006) return new AddinError('OFFICE_DIALOG_CLOSED', '对话框已关闭，请重新打开以继续。The dialog was closed: open it again to continue.', { details: { officeCode: code } });
  const why: Record<number, string> = {
    12002: '找不到对话框页面。The dialog page was not found.',
    12003: '对话框页面使用了 HTTP。The dialog page was loaded over HTTP; use HTTPS.',
  };
  return new AddinError('OFFICE_DIALOG_FAILED', `对话框出错：${why[code] ?? `Office error ${code}`}`, { details: { officeCode: code } });
}

/** The gateway over the page's `Office` and `Word` globals; call once Office.js is ready. */
export function officeJsGateway(): OfficeJsGateway {
  const g = globalThis as { Office?: typeof Office; Word?: typeof Word };
  if (!g.Office || !g.Word) throw new Error('Office.js is not loaded: open the task pane inside Word.');
  return new OfficeJsGateway({ office: g.Office, word: g.Word });
}

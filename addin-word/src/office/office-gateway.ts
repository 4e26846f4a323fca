/**
 * The one seam between the add-in and Word. Everything the task pane does to the document goes
 * through {@link OfficeGateway}; `OfficeJsGateway` implements it with Office.js, and
 * `FakeOfficeGateway` with an in-memory document for tests and the browser preview. The UI and the
 * app functions never touch `Office.*` or `Word.*` (lint enforces it).
 */
import type { MarkerKind, SignetTag } from './signet-tag.js';

/** The format an export produced: PDF, or DOCX where this Word cannot export PDF. */
export type ExportFormat = 'pdf' | 'docx';

/** The document as exported by `getFileAsync`. */
export interface ExportedDocument {
  format: ExportFormat;
  bytes: Uint8Array;
  /** How many slices Word delivered it in. */
  sliceCount: number;
  /** Set when PDF was wanted and DOCX was produced: why (zh-CN, then English). */
  fallbackReason?: string;
}

/** Options of {@link OfficeGateway.exportDocument}. */
export interface ExportOptions {
  /** Bytes per slice, 1 … 4 MiB (Office's maximum, the default). */
  sliceSize?: number;
}

/** A content control that carries a Signet tag. */
export interface SignetControl {
  /** Word's id of the control (stable while the document is open). */
  id: number;
  tag: SignetTag;
  /** The tag as stored, e.g. `signet:var:partyAName`. */
  tagText: string;
  /** The label Word shows on the control. */
  title: string;
  /** The control's current text. */
  text: string;
}

/** A clause to insert at the cursor: Flat OPC OOXML (may carry variable controls) or HTML. */
export interface ClauseContent {
  format: 'ooxml' | 'html';
  content: string;
}

/** What {@link OfficeGateway.fillVariables} did. */
export interface FillOutcome {
  /** How many controls were filled (one variable may appear several times). */
  filledControls: number;
  /** Variables present in the document that got no value. */
  unfilled: string[];
}

/** Size of a dialog, in percent of the screen (Office's unit). */
export interface DialogOptions {
  width?: number;
  height?: number;
}

/** What the add-in knows about the Office host it runs in. */
export interface HostInfo {
  /** False in a plain browser (no Office), true inside Word. */
  inOffice: boolean;
  /** e.g. `Word`. */
  host?: string;
  /** e.g. `PC`, `Mac`, `OfficeOnline`. */
  platform?: string;
  /** Whether `getFileAsync(Pdf)` is available (requirement set PdfFile 1.1). */
  pdfExport: boolean;
  /** Whether WordApi 1.3 (custom properties, content control lookup) is available. */
  wordApi13: boolean;
}

/** Everything the add-in does to Word. */
export interface OfficeGateway {
  /** The host and the APIs it supports. */
  hostInfo(): HostInfo;
  /** The document's title (its properties, else its file name), for naming contracts. */
  documentTitle(): Promise<string>;
  /**
   * Exports the whole document with `getFileAsync`, slice by slice, and always closes the file.
   * Produces PDF, or DOCX (saying why in `fallbackReason`) where this Word cannot export PDF.
   */
  exportDocument(opts?: ExportOptions): Promise<ExportedDocument>;
  /** Every content control with a Signet tag, in document order. */
  listControls(): Promise<SignetControl[]>;
  /** Wraps the selected text in a `signet:var:<name>` control. Throws OFFICE_SELECTION_EMPTY without a selection. */
  makeVariableFromSelection(name: string): Promise<SignetControl>;
  /** Inserts a `signet:var:<name>` control holding `text` at the cursor. */
  insertVariable(name: string, text: string): Promise<SignetControl>;
  /**
   * Inserts a party marker after the cursor: a control tagged `signet:<kind>:<role>` whose text is
   * that tag, tiny and white, so that the exported PDF carries it as invisible anchor text.
   */
  insertPartyMarker(kind: MarkerKind, role: string): Promise<SignetControl>;
  /** Replaces the text of the control with this id. Throws NOT_FOUND when it is gone. */
  updateControl(id: number, text: string): Promise<void>;
  /** Puts each value into every control of its variable, in one batch. */
  fillVariables(values: Readonly<Record<string, string>>): Promise<FillOutcome>;
  /** Inserts a clause at the cursor, replacing the selection. */
  insertClause(clause: ClauseContent): Promise<void>;
  /** A custom document property, or undefined. */
  getCustomProperty(key: string): Promise<string | undefined>;
  /** Sets (adds or replaces) a custom document property. */
  setCustomProperty(key: string, value: string): Promise<void>;
  /**
   * Opens `url` in an Office dialog (`displayDialogAsync`), resolves with the first message the
   * page sends (`messageParent`), and closes the dialog. Throws OFFICE_DIALOG_CLOSED when the user
   * closes it first.
   */
  openDialog(url: string, opts?: DialogOptions): Promise<string>;
  /** Opens `url` in the system browser (Word cannot show a signed PDF itself). */
  openInBrowser(url: string): void;
}

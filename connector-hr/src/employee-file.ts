/**
 * Reads an employee file exported from any HRM: CSV (comma, tab or semicolon separated, as Excel
 * and HR systems write it) or JSON (an array of objects, `{ "employees": [...] }`, or one object
 * per line). The encoding is detected: UTF-8 with or without BOM, UTF-16 with BOM (Excel's
 * "Unicode text"), and GB18030/GBK, which Excel on Chinese Windows writes by default.
 *
 * Bad rows never stop the good ones: each problem names its line, its column and why, and the
 * parser carries on with the next row. The CSV grammar is RFC 4180 (quoted fields with `""`,
 * line breaks inside quotes). It is parsed here rather than with csv-parse because csv-parse's
 * error recovery (`skip_records_with_error`) drops the good rows that follow a stray quote and its
 * `info.lines` is off by one for CRLF files and for a last line without a line break, so its line
 * numbers could not be trusted in a report.
 */
import { SignetError } from '@signet/core';

/** One problem of one row (or of the file, without `row`). Messages never echo cell values (they may be PII). */
export interface RowProblem {
  /** 1-based data row (the header is not counted; JSON: the record's position). */
  row?: number;
  /** 1-based physical line in the file where the row starts. */
  line?: number;
  /** The column (CSV header name, JSON key) the problem is about. */
  column?: string;
  /** The template variable the problem is about, when there is one. */
  variable?: string;
  /** A stable kind: `syntax`, `columns`, `missing`, `invalid`, `duplicate`, `template`, `launch`. */
  code: string;
  /** What is wrong and what to do, zh-CN first with English alongside. */
  message: string;
}

/** One employee record as read from the file, with where it came from. */
export interface EmployeeRecord {
  /** 1-based data row. */
  row: number;
  /** 1-based line where it starts. */
  line: number;
  /** Column → cell (CSV: trimmed strings; JSON: the values as given). */
  fields: Record<string, unknown>;
}

/** The encodings {@link readEmployeeFile} detects. */
export type FileEncoding = 'utf-8' | 'utf-8-bom' | 'utf-16le' | 'utf-16be' | 'gb18030';

/** What {@link readEmployeeFile} returns. */
export interface EmployeeFile {
  format: 'csv' | 'json';
  encoding: FileEncoding;
  /** CSV: the separator found in the header line. */
  delimiter?: string;
  /** The column names (CSV header; JSON: every key seen, in first-seen order). */
  header: string[];
  records: EmployeeRecord[];
  /** Rows that could not be read (syntax, column count), and file-level problems. */
  problems: RowProblem[];
  /** Things worth saying that are not problems, e.g. that the file was GBK. */
  notices: string[];
}

/** Options of {@link readEmployeeFile}. */
export interface ReadEmployeeFileOptions {
  /** The file name; `.json`/`.ndjson`/`.jsonl` mean JSON, anything else CSV unless the content starts with `[` or `{`. */
  name?: string;
  format?: 'csv' | 'json';
}

const MAX_ROWS = 200_000;

function unreadable(zh: string, en: string): SignetError {
  return new SignetError('HR_FILE_UNREADABLE', `${zh} ${en}`);
}

/** Decodes the file's bytes, detecting the encoding (BOMs, then strict UTF-8, then GB18030). */
export function decodeEmployeeFile(bytes: Uint8Array): { text: string; encoding: FileEncoding } {
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { text: new TextDecoder('utf-8').decode(bytes.subarray(3)), encoding: 'utf-8-bom' };
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return { text: new TextDecoder('utf-16le').decode(bytes.subarray(2)), encoding: 'utf-16le' };
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return { text: new TextDecoder('utf-16be').decode(bytes.subarray(2)), encoding: 'utf-16be' };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8' };
  } catch {
    /* not UTF-8: Excel on Chinese Windows writes GBK */
  }
  try {
    return { text: new TextDecoder('gb18030', { fatal: true }).decode(bytes), encoding: 'gb18030' };
  } catch {
    throw unreadable('无法识别文件编码（既不是 UTF-8 也不是 GBK）。', 'The file is neither UTF-8 nor GBK/GB18030; save it from Excel as "CSV UTF-8" and retry.');
  }
}

/** Reads an employee file; throws HR_FILE_UNREADABLE only when nothing at all can be read. */
export function readEmployeeFile(bytes: Uint8Array, opts: ReadEmployeeFileOptions = {}): EmployeeFile {
  if (!(bytes instanceof Uint8Array) || bytes.length === 0) throw unreadable('文件为空。', 'The file is empty; export the employees again.');
  if (bytes[0] === 0x50 && bytes[1] === 0x4b) throw unreadable('这是 Excel 工作簿（xlsx），不是 CSV。', 'This is an Excel workbook (.xlsx), not CSV: in Excel use File → Save As → "CSV UTF-8 (comma delimited)".');
  const { text, encoding } = decodeEmployeeFile(bytes);
  const notices: string[] = [];
  if (encoding === 'gb18030') notices.push('文件为 GBK/GB18030 编码（Excel 默认），已按 GBK 读取。The file is GBK/GB18030 encoded (Excel\'s default on Chinese Windows) and was read as such.');
  if (encoding.startsWith('utf-16')) notices.push(`文件为 ${encoding.toUpperCase()} 编码，已转换。The file is ${encoding.toUpperCase()} encoded and was read as such.`);
  const name = opts.name?.toLowerCase() ?? '';
  const head = text.trimStart()[0];
  const format = opts.format ?? (/\.(json|ndjson|jsonl)$/.test(name) || head === '[' || head === '{' ? 'json' : 'csv');
  const out = format === 'json' ? readJson(text) : readCsv(text);
  return { format, encoding, ...out, notices };
}

// ---------------------------------------------------------------- CSV

function detectDelimiter(firstLine: string): string {
  let best = ',';
  let bestCount = 0;
  for (const d of [',', '\t', ';', '|']) {
    let n = 0;
    let quoted = false;
    for (const ch of firstLine) {
      if (ch === '"') quoted = !quoted;
      else if (ch === d && !quoted) n++;
    }
    if (n > bestCount) {
      best = d;
      bestCount = n;
    }
  }
  return best;
}

interface CsvRow {
  line: number;
  cells: string[];
  error?: string;
}

/** Splits CSV text into rows with their starting lines; a row with a syntax error carries it, and parsing resumes after it. */
function csvRows(text: string, delim: string): CsvRow[] {
  const rows: CsvRow[] = [];
  const n = text.length;
  let i = 0;
  let line = 1;
  while (i < n) {
    const start = i;
    const startLine = line;
    const cells: string[] = [];
    let cell = '';
    let error: string | undefined;
    let atFieldStart = true;
    let done = false;
    while (!done) {
      if (i >= n) {
        cells.push(cell.trim());
        break;
      }
      const ch = text[i];
      if (atFieldStart && ch === '"') {
        // A quoted field: up to the closing quote; "" is a quote.
        let j = i + 1;
        let value = '';
        let lines = 0;
        let closed = false;
        while (j < n) {
          const c = text[j];
          if (c === '"') {
            if (text[j + 1] === '"') {
              value += '"';
              j += 2;
              continue;
            }
            closed = true;
            j++;
            break;
          }
          if (c === '\n' || (c === '\r' && text[j + 1] !== '\n')) lines++;
          value += c;
          j++;
        }
        if (!closed) {
          // Unclosed quote: report this row, and resume on the next line as if the quote were text.
          error = '引号未闭合 / a quoted field is never closed; check the quotes in this row';
          const eol = nextLineBreak(text, i);
          line = startLine + countBreaks(text, start, eol.next);
          i = eol.next;
          rows.push({ line: startLine, cells: [], error });
          done = true;
          break;
        }
        line += lines;
        i = j;
        cell = value;
        atFieldStart = false;
        // After the closing quote: a delimiter, a line break or the end; anything else is an error.
        const after = text[i];
        if (i < n && after !== delim && after !== '\n' && after !== '\r') {
          let k = i;
          while (k < n && (text[k] === ' ' || text[k] === '\t') && text[k] !== delim) k++;
          if (k < n && text[k] !== delim && text[k] !== '\n' && text[k] !== '\r') error ??= '引号后有多余字符 / text follows a closing quote; put the whole cell in quotes and double any quote inside it ("")';
          i = k;
          if (error) {
            const eol = nextLineBreak(text, i);
            cells.push(cell);
            i = eol.next;
            line += eol.breaks;
            break;
          }
        }
        continue;
      }
      if (ch === delim) {
        cells.push(atFieldStart ? '' : cell.trim());
        cell = '';
        atFieldStart = true;
        i++;
        continue;
      }
      if (ch === '\n' || ch === '\r') {
        cells.push(atFieldStart ? '' : cell.trim());
        i += ch === '\r' && text[i + 1] === '\n' ? 2 : 1;
        line++;
        break;
      }
      if (atFieldStart && (ch === ' ' || ch === '\t') && ch !== delim) {
        i++;
        continue;
      }
      cell += ch;
      atFieldStart = false;
      i++;
    }
    if (done) continue;
    if (i === start) i++;
    if (cells.every((c) => c === '') && !error) continue;
    rows.push({ line: startLine, cells, ...(error ? { error } : {}) });
    if (rows.length > MAX_ROWS + 1) throw unreadable(`文件超过 ${MAX_ROWS} 行。`, `The file has more than ${MAX_ROWS} rows; split it into several imports.`);
  }
  return rows;
}

function countBreaks(text: string, from: number, to: number): number {
  let n = 0;
  for (let k = from; k < to; k++) if (text[k] === '\n' || (text[k] === '\r' && text[k + 1] !== '\n')) n++;
  return n;
}

function nextLineBreak(text: string, from: number): { next: number; breaks: number } {
  for (let k = from; k < text.length; k++) {
    if (text[k] === '\n') return { next: k + 1, breaks: 1 };
    if (text[k] === '\r') return { next: text[k + 1] === '\n' ? k + 2 : k + 1, breaks: 1 };
  }
  return { next: text.length, breaks: 0 };
}

function readCsv(text: string): Pick<EmployeeFile, 'header' | 'records' | 'problems' | 'delimiter'> {
  const firstLine = text.slice(0, nextLineBreak(text, 0).next);
  const delimiter = detectDelimiter(firstLine);
  const rows = csvRows(text, delimiter);
  const problems: RowProblem[] = [];
  if (rows.length === 0) throw unreadable('文件没有内容。', 'The file has no rows; export the employees again, with a header row.');
  const headerRow = rows[0];
  if (headerRow.error) throw unreadable(`表头（第 ${headerRow.line} 行）无法读取。`, `The header row (line ${headerRow.line}) cannot be read: ${headerRow.error}.`);
  const header = headerRow.cells.map((h) => h.trim());
  const seen = new Map<string, number>();
  header.forEach((h, i) => {
    if (!h) problems.push({ line: headerRow.line, code: 'columns', message: `第 ${i + 1} 列没有列名，已忽略 / column ${i + 1} has no name in the header and is ignored` });
    else if (seen.has(h)) problems.push({ line: headerRow.line, column: h, code: 'columns', message: `列名「${h}」重复，只读取第一列 / the column name "${h}" appears twice; only the first is read` });
    else seen.set(h, i);
  });
  const records: EmployeeRecord[] = [];
  for (let r = 1; r < rows.length; r++) {
    const { line, cells, error } = rows[r];
    if (error) {
      problems.push({ row: r, line, code: 'syntax', message: error });
      continue;
    }
    const extra = cells.slice(header.length).filter((c) => c !== '');
    if (extra.length) {
      problems.push({ row: r, line, code: 'columns', message: `此行有 ${cells.length} 列，表头只有 ${header.length} 列 / this row has ${cells.length} cells but the header has ${header.length} columns; check for an unquoted comma` });
      continue;
    }
    const fields: Record<string, unknown> = {};
    for (const [h, i] of seen) fields[h] = cells[i] ?? '';
    records.push({ row: r, line, fields });
  }
  return { header: [...seen.keys()], records, problems, delimiter };
}

// ---------------------------------------------------------------- JSON

/** Start offsets of the top-level elements of the JSON array that begins at `from`. */
function elementOffsets(text: string, from: number): number[] {
  const out: number[] = [];
  let depth = 0;
  let inString = false;
  let expectValue = false;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') {
      if (depth === 1 && expectValue) {
        out.push(i);
        expectValue = false;
      }
      inString = true;
    } else if (c === '[' || c === '{') {
      if (depth === 1 && expectValue) {
        out.push(i);
        expectValue = false;
      }
      depth++;
      if (depth === 1) expectValue = true;
    } else if (c === ']' || c === '}') {
      depth--;
      if (depth === 0) break;
    } else if (c === ',' && depth === 1) expectValue = true;
    else if (depth === 1 && expectValue && !/\s/.test(c)) {
      out.push(i);
      expectValue = false;
    }
  }
  return out;
}

function lineAt(lineStarts: number[], offset: number): number {
  let lo = 0;
  let hi = lineStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (lineStarts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}

function readJson(text: string): Pick<EmployeeFile, 'header' | 'records' | 'problems'> {
  const problems: RowProblem[] = [];
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') lineStarts.push(i + 1);
  let items: { value: unknown; line: number }[] = [];
  try {
    const doc = JSON.parse(text) as unknown;
    const arr = Array.isArray(doc) ? doc : (doc && typeof doc === 'object' && Array.isArray((doc as { employees?: unknown }).employees)) ? (doc as { employees: unknown[] }).employees : undefined;
    if (!arr) throw unreadable('JSON 须为员工数组，或 { "employees": [...] }。', 'The JSON must be an array of employee objects, or { "employees": [...] }.');
    const at = Array.isArray(doc) ? text.indexOf('[') : text.indexOf('[', text.indexOf('"employees"'));
    const offsets = elementOffsets(text, at);
    items = arr.map((value, i) => ({ value, line: offsets[i] !== undefined ? lineAt(lineStarts, offsets[i]) : 1 }));
  } catch (e) {
    if (e instanceof SignetError) throw e;
    // One object per line (NDJSON): each line on its own, so one bad line spoils only itself.
    const lines = text.split(/\r?\n/);
    const looksLikeLines = lines.filter((l) => l.trim()).every((l) => l.trim().startsWith('{'));
    if (!looksLikeLines) throw unreadable('JSON 格式错误。', `The JSON cannot be parsed (${(e as Error).message}); check it with a JSON validator.`);
    lines.forEach((l, i) => {
      if (!l.trim()) return;
      try {
        items.push({ value: JSON.parse(l) as unknown, line: i + 1 });
      } catch {
        items.push({ value: Symbol.for('bad-json'), line: i + 1 });
      }
    });
  }
  const header: string[] = [];
  const known = new Set<string>();
  const records: EmployeeRecord[] = [];
  items.forEach(({ value, line }, i) => {
    const row = i + 1;
    if (value === Symbol.for('bad-json')) {
      problems.push({ row, line, code: 'syntax', message: '此行不是有效的 JSON / this line is not valid JSON' });
      return;
    }
    if (!value || typeof value !== 'object' || Array.isArray(value)) {
      problems.push({ row, line, code: 'syntax', message: '员工记录须为 JSON 对象 / an employee record must be a JSON object' });
      return;
    }
    for (const k of Object.keys(value)) if (!known.has(k)) {
      known.add(k);
      header.push(k);
    }
    records.push({ row, line, fields: value as Record<string, unknown> });
  });
  if (records.length > MAX_ROWS) throw unreadable(`文件超过 ${MAX_ROWS} 条。`, `The file has more than ${MAX_ROWS} records; split it into several imports.`);
  return { header, records, problems };
}

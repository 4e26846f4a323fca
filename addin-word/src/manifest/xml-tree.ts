/**
 * A small, strict XML 1.0 reader for checking manifests offline: it enforces well-formedness
 * (W3C XML 1.0 §2.1: one root element, matching and properly nested tags, quoted and unique
 * attributes, valid character and entity references, no `]]>` in text) and namespace
 * well-formedness (Namespaces in XML 1.0 §5: every prefix declared in scope). It keeps element
 * order and line numbers. DOCTYPE declarations are refused: manifests have none, and refusing them
 * rules out entity expansion.
 */

/** An element. */
export interface XmlElement {
  /** The qualified name as written, e.g. `bt:Image`. */
  name: string;
  /** The local part, e.g. `Image`. */
  local: string;
  /** The namespace URI the element is in ('' for none). */
  ns: string;
  attrs: Record<string, string>;
  children: XmlNode[];
  line: number;
}

/** A child: an element or text. */
export type XmlNode = XmlElement | { text: string };

/** A well-formedness error, with its position. */
export class XmlSyntaxError extends Error {
  override readonly name = 'XmlSyntaxError';
  constructor(message: string, readonly line: number, readonly column: number) {
    super(`${message} (line ${line}, column ${column})`);
  }
}

const NAME = /[A-Za-z_\u00C0-\uFFFF][\w.\-\u00B7\u00C0-\uFFFF]*(?::[A-Za-z_\u00C0-\uFFFF][\w.\-\u00B7\u00C0-\uFFFF]*)?/y;
const XML_NS = 'http://www.w3.org/XML/1998/namespace';

/** Parses `text` into its root element; throws {@link XmlSyntaxError} at the first violation. */
export function parseXml(text: string): XmlElement {
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const fail = (msg: string, at = i): never => {
    const before = text.slice(0, at);
    const line = before.split('\n').length;
    throw new XmlSyntaxError(msg, line, at - before.lastIndexOf('\n'));
  };
  const lineAt = (at: number) => text.slice(0, at).split('\n').length;
  const startsWith = (s: string) => text.startsWith(s, i);
  const skipSpace = () => { while (i < text.length && /[ \t\r\n]/.test(text[i])) i++; };
  const name = (): string => {
    NAME.lastIndex = i;
    const m = NAME.exec(text);
    if (!m) fail('Expected a name');
    i += m![0].length;
    return m![0];
  };
  const checkChars = (s: string, at: number) => {
    // XML 1.0 §2.2 Char: no C0 controls other than tab, LF, CR.
    const bad = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/.exec(s);
    if (bad) fail(`Illegal character U+${bad[0].charCodeAt(0).toString(16).padStart(4, '0')}`, at + bad.index);
  };
  const decode = (s: string, at: number): string => {
    checkChars(s, at);
    return s.replace(/&([^;&]*);?/g, (m, ref: string, off: number) => {
      if (!m.endsWith(';')) fail('An & must start a reference such as &amp;', at + off);
      if (ref === 'amp') return '&';
      if (ref === 'lt') return '<';
      if (ref === 'gt') return '>';
      if (ref === 'quot') return '"';
      if (ref === 'apos') return "'";
      const num = /^#x([0-9a-fA-F]+)$/.exec(ref) ?? /^#([0-9]+)$/.exec(ref);
      if (num) {
        const cp = parseInt(num[1], ref[1] === 'x' ? 16 : 10);
        if (cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff)) return String.fromCodePoint(cp);
        fail(`&${ref}; is not a legal character`, at + off);
      }
      return fail(`Unknown entity &${ref};`, at + off);
    });
  };
  const misc = (allowDecl: boolean) => {
    for (;;) {
      skipSpace();
      if (startsWith('<?')) {
        const end = text.indexOf('?>', i);
        if (end < 0) fail('Unterminated processing instruction');
        const target = /^<\?([^\s?]+)/.exec(text.slice(i, end))?.[1] ?? '';
        if (target.toLowerCase() === 'xml' && (!allowDecl || i !== (text.charCodeAt(0) === 0xfeff ? 1 : 0))) fail('The XML declaration must come first');
        allowDecl = false;
        i = end + 2;
      } else if (startsWith('<!--')) {
        comment();
        allowDecl = false;
      } else if (startsWith('<!DOCTYPE')) {
        fail('DOCTYPE is not allowed in a manifest');
      } else return;
    }
  };
  const comment = () => {
    const end = text.indexOf('-->', i + 4);
    if (end < 0) fail('Unterminated comment');
    if (text.slice(i + 4, end).includes('--')) fail('"--" is not allowed inside a comment');
    i = end + 3;
  };
  const resolve = (qname: string, scopes: Map<string, string>[], isAttr: boolean, at: number): string => {
    const colon = qname.indexOf(':');
    const prefix = colon < 0 ? '' : qname.slice(0, colon);
    if (prefix === 'xml') return XML_NS;
    if (prefix === 'xmlns' || (qname === 'xmlns' && isAttr)) return 'http://www.w3.org/2000/xmlns/';
    if (prefix === '' && isAttr) return '';
    for (let k = scopes.length - 1; k >= 0; k--) if (scopes[k].has(prefix)) return scopes[k].get(prefix)!;
    if (prefix === '') return '';
    return fail(`The namespace prefix "${prefix}" is not declared`, at);
  };
  const element = (scopes: Map<string, string>[]): XmlElement => {
    const start = i;
    i++; // <
    const qname = name();
    const rawAttrs: [string, string, number][] = [];
    for (;;) {
      const hadSpace = /[ \t\r\n]/.test(text[i] ?? '');
      skipSpace();
      if (startsWith('/>') || startsWith('>')) break;
      if (!hadSpace) fail('Attributes must be separated by white space');
      const at = i;
      const an = name();
      skipSpace();
      if (text[i] !== '=') fail(`Attribute ${an} needs a value`);
      i++;
      skipSpace();
      const q = text[i];
      if (q !== '"' && q !== "'") fail(`The value of ${an} must be quoted`);
      const end = text.indexOf(q, i + 1);
      if (end < 0) fail(`Unterminated value of ${an}`);
      const raw = text.slice(i + 1, end);
      if (raw.includes('<')) fail(`"<" is not allowed in the value of ${an}`, i + 1 + raw.indexOf('<'));
      if (rawAttrs.some((a) => a[0] === an)) fail(`Duplicate attribute ${an}`, at);
      rawAttrs.push([an, decode(raw, i + 1), at]);
      i = end + 1;
    }
    const scope = new Map<string, string>();
    for (const [an, v] of rawAttrs) {
      if (an === 'xmlns') scope.set('', v);
      else if (an.startsWith('xmlns:')) {
        if (!v) fail(`The prefix ${an.slice(6)} cannot be undeclared`);
        scope.set(an.slice(6), v);
      }
    }
    const inner = [...scopes, scope];
    const attrs: Record<string, string> = {};
    const expanded = new Set<string>();
    for (const [an, v, at] of rawAttrs) {
      const ns = resolve(an, inner, true, at);
      const key = `${ns}|${an.slice(an.indexOf(':') + 1)}`;
      if (ns && expanded.has(key)) fail(`Attribute ${an} duplicates another in the same namespace`, at);
      expanded.add(key);
      attrs[an] = v;
    }
    const el: XmlElement = {
      name: qname, local: qname.slice(qname.indexOf(':') + 1), ns: resolve(qname, inner, false, start + 1), attrs, children: [], line: lineAt(start),
    };
    if (startsWith('/>')) {
      i += 2;
      return el;
    }
    i++; // >
    for (;;) {
      if (i >= text.length) fail(`<${qname}> is never closed`, start);
      if (startsWith('</')) {
        i += 2;
        const closing = name();
        if (closing !== qname) fail(`</${closing}> closes <${qname}> (line ${el.line})`);
        skipSpace();
        if (text[i] !== '>') fail(`Expected > after </${closing}`);
        i++;
        return el;
      }
      if (startsWith('<!--')) comment();
      else if (startsWith('<![CDATA[')) {
        const end = text.indexOf(']]>', i);
        if (end < 0) fail('Unterminated CDATA section');
        const s = text.slice(i + 9, end);
        checkChars(s, i + 9);
        el.children.push({ text: s });
        i = end + 3;
      } else if (startsWith('<?')) {
        const end = text.indexOf('?>', i);
        if (end < 0) fail('Unterminated processing instruction');
        i = end + 2;
      } else if (text[i] === '<') el.children.push(element(inner));
      else {
        const end = text.indexOf('<', i);
        const raw = text.slice(i, end < 0 ? text.length : end);
        if (raw.includes(']]>')) fail('"]]>" is not allowed in text', i + raw.indexOf(']]>'));
        el.children.push({ text: decode(raw, i) });
        i += raw.length;
      }
    }
  };

  misc(true);
  if (text[i] !== '<') fail('Expected the root element');
  const root = element([]);
  misc(false);
  if (i < text.length) fail('Only comments and white space may follow the root element');
  return root;
}

/** The element children of `el`. */
export function elements(el: XmlElement): XmlElement[] {
  return el.children.filter((c): c is XmlElement => 'name' in c);
}

/** The first child element with this local name, or undefined. */
export function child(el: XmlElement, local: string): XmlElement | undefined {
  return elements(el).find((c) => c.local === local);
}

/** Every descendant element (depth first, document order), `el` excluded. */
export function descendants(el: XmlElement): XmlElement[] {
  const out: XmlElement[] = [];
  const walk = (e: XmlElement) => { for (const c of elements(e)) { out.push(c); walk(c); } };
  walk(el);
  return out;
}

/** The element's text content, trimmed. */
export function textOf(el: XmlElement): string {
  return el.children.map((c) => ('text' in c ? c.text : textOf(c))).join('').trim();
}

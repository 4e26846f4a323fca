/**
 * Imports the common subset of SVG 1.1 as a {@link Drawing}, for uploaded seal images: path data
 * with every command (§8.3), rect, circle, ellipse, line, polyline, polygon (§9), g, use and nested
 * svg with transforms (§7.6), fill and stroke colours and opacities, fill-rule, stroke geometry,
 * viewBox and preserveAspectRatio (§7.7–7.8), presentation attributes, `style` attributes and
 * simple `<style>` rules (class, type and id selectors). What cannot become vectors faithfully is
 * refused with SVG_UNSUPPORTED naming it: embedded raster images, text without outlines, scripts,
 * gradients and patterns, clipping, masks, filters and markers.
 */
import { SignetError } from '../errors.js';
import {
  IDENTITY, PathBuilder, multiply, parseColor, rotate, scale, translate, type Drawing, type DrawingPath, type Matrix, type Paint, type Rgb,
} from './drawing.js';
import { parseXml, type XmlElement } from './parse-xml.js';

/** Options of {@link parseSvg}. */
export interface ParseSvgOptions {
  /** Size in points when the SVG gives neither width/height nor a viewBox; default 300 × 150 px (the CSS default). */
  defaultSize?: { width: number; height: number };
}

function unsupported(msg: string): SignetError {
  return new SignetError('SVG_UNSUPPORTED', `The SVG is not supported: ${msg}`);
}

const IGNORED = new Set(['title', 'desc', 'metadata', 'style', 'defs', 'symbol', 'linearGradient', 'radialGradient', 'pattern', 'clipPath', 'mask', 'filter', 'marker']);
const SHAPES = new Set(['path', 'rect', 'circle', 'ellipse', 'line', 'polyline', 'polygon']);
const CONTAINERS = new Set(['g', 'a', 'svg', 'switch']);
const NO_OUTLINES = new Set(['text', 'tspan', 'textPath', 'tref', 'altGlyph']);
const SCRIPTED = new Set(['script', 'foreignObject', 'iframe', 'handler', 'listener', 'animate', 'animateTransform', 'animateMotion', 'set', 'animateColor']);
const EVENT_ATTRS = /^on/i;

/** Inherited presentation properties (SVG 1.1 §6.14). */
interface Style {
  fill: Rgb | undefined | 'currentColor';
  fillRule: 'nonzero' | 'evenodd';
  fillOpacity: number;
  stroke: Rgb | undefined | 'currentColor';
  strokeWidth: number;
  strokeOpacity: number;
  lineCap: 'butt' | 'round' | 'square';
  lineJoin: 'miter' | 'round' | 'bevel';
  miterLimit: number;
  dash?: number[];
  color: Rgb;
  visible: boolean;
  /** Product of ancestor `opacity` values (applied to fill and stroke; exact when shapes do not overlap). */
  opacity: number;
}

const INITIAL: Style = {
  fill: [0, 0, 0], fillRule: 'nonzero', fillOpacity: 1, stroke: undefined, strokeWidth: 1, strokeOpacity: 1,
  lineCap: 'butt', lineJoin: 'miter', miterLimit: 4, color: [0, 0, 0], visible: true, opacity: 1,
};

const PROPS = new Set([
  'fill', 'fill-rule', 'fill-opacity', 'stroke', 'stroke-width', 'stroke-opacity', 'stroke-linecap', 'stroke-linejoin',
  'stroke-miterlimit', 'stroke-dasharray', 'stroke-dashoffset', 'color', 'opacity', 'display', 'visibility', 'clip-path', 'mask',
  'filter', 'marker', 'marker-start', 'marker-mid', 'marker-end', 'clip-rule', 'shape-rendering', 'vector-effect', 'paint-order',
  'mix-blend-mode', 'isolation', 'font-family', 'font-size', 'font-weight', 'font-style', 'letter-spacing', 'stop-color', 'stop-opacity',
  'enable-background', 'overflow', 'image-rendering', 'color-interpolation', 'color-interpolation-filters', 'text-anchor',
]);

/** A `<style>` rule with one simple selector: `tag`, `.class`, `#id` or `tag.class`. */
interface Rule {
  tag?: string;
  cls?: string;
  id?: string;
  decls: Map<string, string>;
  order: number;
  specificity: number;
}

function parseDeclarations(s: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of s.split(';')) {
    const i = part.indexOf(':');
    if (i < 0) continue;
    const k = part.slice(0, i).trim().toLowerCase();
    const v = part.slice(i + 1).replace(/!important/i, '').trim();
    if (k) out.set(k, v);
  }
  return out;
}

function parseStyleSheet(css: string, rules: Rule[]): void {
  css = css.replace(/\/\*[\s\S]*?\*\//g, '');
  if (/@import|@font-face/i.test(css)) throw unsupported('style sheets with @import or @font-face; inline the styles');
  const re = /([^{}]+)\{([^{}]*)\}/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(css))) {
    const decls = parseDeclarations(m[2]);
    for (const sel of m[1].split(',')) {
      const s = sel.trim();
      if (!s) continue;
      const sm = /^([A-Za-z][\w-]*)?(?:\.([\w-]+))?(?:#([\w-]+))?$/.exec(s) ?? /^#([\w-]+)$/.exec(s);
      if (!sm || s === '') throw unsupported(`the CSS selector "${s}" (only tag, .class and #id selectors are supported); inline the styles`);
      const rule: Rule = s.startsWith('#')
        ? { id: s.slice(1), decls, order: rules.length, specificity: 100 }
        : { tag: sm[1], cls: sm[2], id: sm[3], decls, order: rules.length, specificity: (sm[3] ? 100 : 0) + (sm[2] ? 10 : 0) + (sm[1] ? 1 : 0) };
      rules.push(rule);
    }
  }
}

/** A number with an optional CSS unit, in SVG user units (px) unless `ptOut`. */
function length(v: string | undefined, what: string, ref?: number): number | undefined {
  if (v === undefined) return undefined;
  const m = /^\s*([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)\s*(px|pt|pc|mm|cm|in|%|em|ex)?\s*$/.exec(v);
  if (!m) throw new SignetError('IMAGE_INVALID', `The SVG's ${what} "${v}" is not a length`);
  const n = parseFloat(m[1]);
  switch (m[2]) {
    case undefined: case 'px': return n;
    case 'pt': return (n * 4) / 3;
    case 'pc': return n * 16;
    case 'mm': return (n * 96) / 25.4;
    case 'cm': return (n * 96) / 2.54;
    case 'in': return n * 96;
    case '%': return ref === undefined ? undefined : (n / 100) * ref;
    default: return n * 16; // em/ex against the CSS default 16 px font
  }
}

function numberList(s: string | undefined): number[] {
  if (!s) return [];
  const out: number[] = [];
  const re = /[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s))) out.push(parseFloat(m[0]));
  return out;
}

/** Parses an SVG transform list (SVG 1.1 §7.6) into one matrix. */
export function parseTransform(s: string | undefined): Matrix {
  let m: Matrix = IDENTITY;
  if (!s || !s.trim()) return m;
  const re = /\s*(matrix|translate|scale|rotate|skewX|skewY)\s*\(([^)]*)\)\s*,?/gy;
  let r: RegExpExecArray | null;
  let last = 0;
  while ((r = re.exec(s))) {
    last = re.lastIndex;
    const a = numberList(r[2]);
    let t: Matrix;
    const deg = (d: number) => (d * Math.PI) / 180;
    switch (r[1]) {
      case 'matrix':
        if (a.length !== 6) throw new SignetError('IMAGE_INVALID', `The SVG transform "${r[0].trim()}" needs 6 numbers`);
        t = a as unknown as Matrix;
        break;
      case 'translate': t = translate(a[0] ?? 0, a[1] ?? 0); break;
      case 'scale': t = scale(a[0] ?? 1, a[1] ?? a[0] ?? 1); break;
      case 'rotate':
        t = rotate(deg(a[0] ?? 0));
        if (a.length >= 3) t = multiply(multiply(translate(-a[1], -a[2]), t), translate(a[1], a[2]));
        break;
      case 'skewX': t = [1, 0, Math.tan(deg(a[0] ?? 0)), 1, 0, 0]; break;
      default: t = [1, Math.tan(deg(a[0] ?? 0)), 0, 1, 0, 0]; break;
    }
    // "A B" applies B first: the list composes right to left.
    m = multiply(t, m);
  }
  if (s.slice(last).trim()) throw new SignetError('IMAGE_INVALID', `The SVG transform "${s}" cannot be parsed`);
  return m;
}

/**
 * Parses SVG path data (SVG 1.1 §8.3, every command, absolute and relative, implicit repeats,
 * compact numbers and arc flags) into `b`.
 */
export function parsePathData(d: string, b: PathBuilder): void {
  let i = 0;
  const n = d.length;
  const skip = () => {
    while (i < n && (d.charCodeAt(i) <= 32 || d[i] === ',')) i++;
  };
  const num = (): number => {
    skip();
    const re = /[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/y;
    re.lastIndex = i;
    const m = re.exec(d);
    if (!m) throw new SignetError('IMAGE_INVALID', `The SVG path data has no number at position ${i + 1} ("${d.slice(i, i + 12)}")`);
    i = re.lastIndex;
    return parseFloat(m[0]);
  };
  const flag = (): boolean => {
    skip();
    const c = d[i];
    if (c !== '0' && c !== '1') throw new SignetError('IMAGE_INVALID', `The SVG path's arc needs a 0 or 1 flag at position ${i + 1}`);
    i++;
    return c === '1';
  };
  const more = () => {
    skip();
    if (i >= n) return false;
    const c = d[i];
    return c === '-' || c === '+' || c === '.' || (c >= '0' && c <= '9');
  };
  let cx = 0, cy = 0; // current point
  let sx = 0, sy = 0; // subpath start
  let qx = 0, qy = 0; // last control point for S/T reflection
  let prev = '';
  let cmd = '';
  skip();
  while (i < n) {
    const c = d[i];
    if (/[MmZzLlHhVvCcSsQqTtAa]/.test(c)) {
      cmd = c;
      i++;
    } else if (!cmd || cmd === 'Z' || cmd === 'z' || !more()) {
      throw new SignetError('IMAGE_INVALID', `The SVG path data has an unexpected "${c}" at position ${i + 1}`);
    }
    const rel = cmd === cmd.toLowerCase();
    const ox = rel ? cx : 0, oy = rel ? cy : 0;
    switch (cmd.toUpperCase()) {
      case 'M': {
        cx = ox + num(); cy = oy + num();
        b.moveTo(cx, cy);
        sx = cx; sy = cy;
        cmd = rel ? 'l' : 'L'; // later pairs are implicit line-tos
        prev = 'M';
        break;
      }
      case 'Z':
        b.close();
        cx = sx; cy = sy;
        prev = 'Z';
        break;
      case 'L': cx = ox + num(); cy = oy + num(); b.lineTo(cx, cy); prev = 'L'; break;
      case 'H': cx = ox + num(); b.lineTo(cx, cy); prev = 'L'; break;
      case 'V': cy = oy + num(); b.lineTo(cx, cy); prev = 'L'; break;
      case 'C': {
        const x1 = ox + num(), y1 = oy + num(), x2 = ox + num(), y2 = oy + num();
        cx = ox + num(); cy = oy + num();
        b.curveTo(x1, y1, x2, y2, cx, cy);
        qx = x2; qy = y2; prev = 'C';
        break;
      }
      case 'S': {
        const x1 = prev === 'C' ? 2 * cx - qx : cx, y1 = prev === 'C' ? 2 * cy - qy : cy;
        const x2 = ox + num(), y2 = oy + num();
        cx = ox + num(); cy = oy + num();
        b.curveTo(x1, y1, x2, y2, cx, cy);
        qx = x2; qy = y2; prev = 'C';
        break;
      }
      case 'Q': {
        const x1 = ox + num(), y1 = oy + num();
        cx = ox + num(); cy = oy + num();
        b.quadTo(x1, y1, cx, cy);
        qx = x1; qy = y1; prev = 'Q';
        break;
      }
      case 'T': {
        const x1 = prev === 'Q' ? 2 * cx - qx : cx, y1 = prev === 'Q' ? 2 * cy - qy : cy;
        cx = ox + num(); cy = oy + num();
        b.quadTo(x1, y1, cx, cy);
        qx = x1; qy = y1; prev = 'Q';
        break;
      }
      case 'A': {
        const rx = num(), ry = num(), rot = num(), large = flag(), sweep = flag();
        cx = ox + num(); cy = oy + num();
        b.arcTo(rx, ry, rot, large, sweep, cx, cy);
        prev = 'A';
        break;
      }
    }
    skip();
    if (cmd.toUpperCase() === 'Z' && i < n && !/[MmZzLlHhVvCcSsQqTtAa]/.test(d[i])) {
      throw new SignetError('IMAGE_INVALID', `The SVG path data has numbers after Z at position ${i + 1}`);
    }
  }
}

/** Parses an SVG document (UTF-8 text or bytes) into a drawing, sized in points. */
export function parseSvg(svg: string | Uint8Array, opts: ParseSvgOptions = {}): Drawing {
  const text = typeof svg === 'string' ? svg : new TextDecoder('utf-8', { fatal: false }).decode(svg);
  const root = parseXml(text);
  const local = (name: string) => (name.startsWith('svg:') ? name.slice(4) : name);
  if (local(root.name) !== 'svg') throw new SignetError('IMAGE_INVALID', `The file is XML but not SVG (its root element is <${root.name}>); give an SVG file`);

  const rules: Rule[] = [];
  const ids = new Map<string, XmlElement>();
  const scan = (el: XmlElement) => {
    const id = el.attributes.get('id');
    if (id && !ids.has(id)) ids.set(id, el);
    if (local(el.name) === 'style') parseStyleSheet(el.children.filter((c): c is string => typeof c === 'string').join(''), rules);
    for (const c of el.children) if (typeof c !== 'string') scan(c);
  };
  scan(root);

  // The outermost viewport, in points: width/height if absolute, else the viewBox, else the default.
  const vb = numberList(root.attributes.get('viewBox'));
  if (root.attributes.has('viewBox') && (vb.length !== 4 || !(vb[2] > 0) || !(vb[3] > 0))) {
    throw new SignetError('IMAGE_INVALID', `The SVG's viewBox "${root.attributes.get('viewBox')}" needs four numbers with a positive width and height`);
  }
  const wPx = length(root.attributes.get('width'), 'width') ?? (vb.length === 4 ? vb[2] : undefined);
  const hPx = length(root.attributes.get('height'), 'height') ?? (vb.length === 4 ? vb[3] : undefined);
  let W = wPx !== undefined ? wPx * 0.75 : opts.defaultSize?.width ?? 225;
  let H = hPx !== undefined ? hPx * 0.75 : opts.defaultSize?.height ?? 112.5;
  if (wPx === undefined && hPx !== undefined && vb.length === 4) W = (H * vb[2]) / vb[3];
  if (hPx === undefined && wPx !== undefined && vb.length === 4) H = (W * vb[3]) / vb[2];
  if (!(W > 0 && H > 0) || !Number.isFinite(W) || !Number.isFinite(H)) throw new SignetError('IMAGE_INVALID', 'The SVG has no positive width and height');

  // Root CTM: viewBox → points (y down), then flip to y up.
  const flip: Matrix = [1, 0, 0, -1, 0, H];
  const rootCtm = multiply(viewBoxMatrix(vb, root.attributes.get('preserveAspectRatio'), W, H), flip);
  const paths: DrawingPath[] = [];
  const using = new Set<XmlElement>();

  const computed = (el: XmlElement, parent: Style): { style: Style; props: Map<string, string> } => {
    const props = new Map<string, string>();
    for (const [k, v] of el.attributes) if (PROPS.has(k)) props.set(k, v);
    const name = local(el.name);
    const classes = (el.attributes.get('class') ?? '').split(/\s+/).filter(Boolean);
    const id = el.attributes.get('id');
    const matched = rules.filter((r) => (!r.tag || r.tag === name) && (!r.cls || classes.includes(r.cls)) && (!r.id || r.id === id));
    matched.sort((a, b) => a.specificity - b.specificity || a.order - b.order);
    for (const r of matched) for (const [k, v] of r.decls) props.set(k, v);
    const inline = el.attributes.get('style');
    if (inline) for (const [k, v] of parseDeclarations(inline)) props.set(k, v);
    const s: Style = { ...parent };
    for (const [k, raw] of props) {
      const v = raw.trim();
      if (v === 'inherit') continue;
      switch (k) {
        case 'fill': s.fill = paintValue(v, 'fill'); break;
        case 'stroke': s.stroke = paintValue(v, 'stroke'); break;
        case 'fill-rule': s.fillRule = v === 'evenodd' ? 'evenodd' : 'nonzero'; break;
        case 'fill-opacity': s.fillOpacity = opacity(v); break;
        case 'stroke-opacity': s.strokeOpacity = opacity(v); break;
        case 'stroke-width': s.strokeWidth = length(v, 'stroke-width', 1) ?? 1; break;
        case 'stroke-linecap': if (v === 'round' || v === 'square' || v === 'butt') s.lineCap = v; break;
        case 'stroke-linejoin': if (v === 'round' || v === 'bevel' || v === 'miter') s.lineJoin = v; else if (v === 'miter-clip' || v === 'arcs') s.lineJoin = 'miter'; break;
        case 'stroke-miterlimit': s.miterLimit = Math.max(1, parseFloat(v) || 4); break;
        case 'stroke-dasharray': {
          const a = v === 'none' ? [] : numberList(v);
          s.dash = a.length && a.some((x) => x > 0) ? (a.length % 2 ? [...a, ...a] : a) : undefined;
          break;
        }
        case 'color': { const c = paintValue(v, 'color'); if (c && c !== 'currentColor') s.color = c; break; }
        case 'opacity': s.opacity = parent.opacity * opacity(v); break;
        case 'display': if (v === 'none') s.visible = false; break;
        case 'visibility': s.visible = v !== 'hidden' && v !== 'collapse'; break;
        case 'clip-path': case 'mask': case 'filter':
          if (v !== 'none') throw unsupported(`${k} on <${el.name}> (line ${el.line}); flatten or release the ${k === 'filter' ? 'effect' : k} in the drawing program`);
          break;
        case 'marker': case 'marker-start': case 'marker-mid': case 'marker-end':
          if (v !== 'none') throw unsupported(`markers on <${el.name}> (line ${el.line}); expand them to paths`);
          break;
      }
    }
    return { style: s, props };
  };

  const paintOf = (s: Style): Paint | undefined => {
    const resolve = (p: Style['fill']) => (p === 'currentColor' ? s.color : p);
    const fill = resolve(s.fill), stroke = resolve(s.stroke);
    const fo = s.fillOpacity * s.opacity, so = s.strokeOpacity * s.opacity;
    const paint: Paint = {};
    if (fill && fo > 0) {
      paint.fill = fill;
      paint.fillRule = s.fillRule;
      if (fo < 1) paint.fillOpacity = fo;
    }
    if (stroke && so > 0 && s.strokeWidth > 0) {
      paint.stroke = stroke;
      paint.strokeWidth = s.strokeWidth;
      if (so < 1) paint.strokeOpacity = so;
      if (s.lineCap !== 'butt') paint.lineCap = s.lineCap;
      if (s.lineJoin !== 'miter') paint.lineJoin = s.lineJoin;
      paint.miterLimit = s.miterLimit;
      if (s.dash) paint.dash = s.dash;
    }
    return paint.fill || paint.stroke ? paint : undefined;
  };

  const walk = (el: XmlElement, ctm: Matrix, parent: Style, depth: number): void => {
    const rawName = el.name;
    if (rawName.includes(':') && !rawName.startsWith('svg:')) return; // editor metadata (sodipodi:, inkscape:, rdf: …)
    const name = local(rawName);
    for (const k of el.attributes.keys()) {
      if (EVENT_ATTRS.test(k)) throw unsupported(`scripts (the ${k} attribute on <${rawName}>, line ${el.line}) are not allowed in seal images`);
    }
    if (SCRIPTED.has(name)) throw unsupported(`<${rawName}> (line ${el.line}): scripts, animation and embedded HTML are not allowed in seal images`);
    if (NO_OUTLINES.has(name)) throw unsupported(`text without outlines (<${rawName}>, line ${el.line}); convert the text to paths (Inkscape: Path ▸ Object to Path; Illustrator: Type ▸ Create Outlines)`);
    if (name === 'image') throw unsupported(`an embedded raster image (<image>, line ${el.line}); upload the raster as PNG, or vectorize it`);
    if (IGNORED.has(name)) return;
    const link = el.attributes.get('href') ?? el.attributes.get('xlink:href') ?? '';
    if (/^\s*javascript:/i.test(link)) throw unsupported(`scripts (a javascript: link on <${rawName}>, line ${el.line}) are not allowed in seal images`);
    if (!SHAPES.has(name) && !CONTAINERS.has(name) && name !== 'use') throw unsupported(`the <${rawName}> element (line ${el.line})`);
    const { style, props } = computed(el, parent);
    if (!style.visible && props.get('display') === 'none') return;
    let m = multiply(parseTransform(el.attributes.get('transform')), ctm);
    if (name === 'svg' && el !== root) {
      const x = length(el.attributes.get('x'), 'x') ?? 0, y = length(el.attributes.get('y'), 'y') ?? 0;
      const w = length(el.attributes.get('width'), 'width', W / 0.75) ?? W / 0.75, h = length(el.attributes.get('height'), 'height', H / 0.75) ?? H / 0.75;
      m = multiply(multiply(viewBoxMatrix(numberList(el.attributes.get('viewBox')), el.attributes.get('preserveAspectRatio'), w, h), translate(x, y)), m);
    }
    if (name === 'use') {
      const href = el.attributes.get('href') ?? el.attributes.get('xlink:href') ?? '';
      if (!href.startsWith('#')) throw unsupported(`<use> of "${href}" (line ${el.line}): only references inside the same file work`);
      const target = ids.get(href.slice(1));
      if (!target) throw new SignetError('IMAGE_INVALID', `The SVG's <use> refers to "${href}", which does not exist (line ${el.line})`);
      if (using.has(target) || depth > 64) throw new SignetError('IMAGE_INVALID', `The SVG's <use> of "${href}" refers to itself (line ${el.line})`);
      const x = length(el.attributes.get('x'), 'x') ?? 0, y = length(el.attributes.get('y'), 'y') ?? 0;
      using.add(target);
      const t = local(target.name);
      if (t === 'symbol') {
        const sm = multiply(viewBoxMatrix(numberList(target.attributes.get('viewBox')), target.attributes.get('preserveAspectRatio'),
          length(el.attributes.get('width'), 'width') ?? length(target.attributes.get('width'), 'width') ?? W / 0.75,
          length(el.attributes.get('height'), 'height') ?? length(target.attributes.get('height'), 'height') ?? H / 0.75), multiply(translate(x, y), m));
        for (const c of target.children) if (typeof c !== 'string') walk(c, sm, style, depth + 1);
      } else walk(target, multiply(translate(x, y), m), style, depth + 1);
      using.delete(target);
      return;
    }
    if (CONTAINERS.has(name)) {
      const kids = el.children.filter((c): c is XmlElement => typeof c !== 'string');
      for (const c of name === 'switch' ? kids.slice(0, 1) : kids) walk(c, m, style, depth + 1);
      return;
    }
    if (!style.visible) return;
    const paint = paintOf(style);
    if (!paint) return;
    const b = new PathBuilder();
    const a = (k: string, ref?: number) => length(el.attributes.get(k), k, ref);
    switch (name) {
      case 'path': parsePathData(el.attributes.get('d') ?? '', b); break;
      case 'rect': {
        const w = a('width') ?? 0, h = a('height') ?? 0;
        if (w <= 0 || h <= 0) return;
        let rx = a('rx'), ry = a('ry');
        if (rx === undefined) rx = ry;
        if (ry === undefined) ry = rx;
        rx = Math.min(rx ?? 0, w / 2);
        ry = Math.min(ry ?? 0, h / 2);
        const x = a('x') ?? 0, y = a('y') ?? 0;
        if (rx > 0 && ry > 0) roundRect(b, x, y, w, h, rx, ry);
        else b.rect(x, y, w, h);
        break;
      }
      case 'circle': {
        const r = a('r') ?? 0;
        if (r <= 0) return;
        b.ellipse(a('cx') ?? 0, a('cy') ?? 0, r, r);
        break;
      }
      case 'ellipse': {
        const rx = a('rx') ?? 0, ry = a('ry') ?? 0;
        if (rx <= 0 || ry <= 0) return;
        b.ellipse(a('cx') ?? 0, a('cy') ?? 0, rx, ry);
        break;
      }
      case 'line':
        b.moveTo(a('x1') ?? 0, a('y1') ?? 0).lineTo(a('x2') ?? 0, a('y2') ?? 0);
        if (paint.fill) delete paint.fill; // a line has no interior
        if (!paint.stroke) return;
        break;
      case 'polyline': case 'polygon': {
        const pts = numberList(el.attributes.get('points'));
        if (pts.length < 4) return;
        b.moveTo(pts[0], pts[1]);
        for (let i = 2; i + 1 < pts.length; i += 2) b.lineTo(pts[i], pts[i + 1]);
        if (name === 'polygon') b.close();
        break;
      }
    }
    if (b.empty) return;
    paths.push({ ...b.toPath(paint), transform: m });
  };
  const rootStyle = computed(root, INITIAL).style;
  for (const c of root.children) if (typeof c !== 'string') walk(c, rootCtm, rootStyle, 1);

  // Ink-like painting on the root or its one top-level group (what drawingToSvg writes) is kept.
  const top = [root, ...root.children.filter((c): c is XmlElement => typeof c !== 'string' && local(c.name) === 'g')];
  const inkBlend = top.some((el) => /mix-blend-mode\s*:\s*multiply/i.test(el.attributes.get('style') ?? '') || el.attributes.get('mix-blend-mode') === 'multiply');
  const title = root.children.find((c): c is XmlElement => typeof c !== 'string' && local(c.name) === 'title');
  const titleText = title?.children.filter((c): c is string => typeof c === 'string').join('').trim();
  return { width: W, height: H, paths: paths.map(simplifyTransform), title: titleText || undefined, ...(inkBlend ? { blend: 'multiply' as const } : {}) };
}

/** Drops identity transforms so that re-exported drawings stay clean. */
function simplifyTransform(p: DrawingPath): DrawingPath {
  const m = p.transform;
  if (m && Math.abs(m[0] - 1) < 1e-9 && Math.abs(m[1]) < 1e-9 && Math.abs(m[2]) < 1e-9 && Math.abs(m[3] - 1) < 1e-9 && Math.abs(m[4]) < 1e-9 && Math.abs(m[5]) < 1e-9) {
    return { ops: p.ops, coords: p.coords, paint: p.paint };
  }
  return p;
}

function paintValue(v: string, what: string): Rgb | undefined | 'currentColor' {
  if (/^url\(/i.test(v)) throw unsupported(`gradient or pattern ${what}s (${v}); use flat colours`);
  if (v === 'currentColor' || v === 'currentcolor') return 'currentColor';
  try {
    return parseColor(v);
  } catch {
    throw new SignetError('IMAGE_INVALID', `The SVG's ${what} "${v}" is not a colour`);
  }
}

function opacity(v: string): number {
  const n = v.endsWith('%') ? parseFloat(v) / 100 : parseFloat(v);
  return Number.isFinite(n) ? Math.min(1, Math.max(0, n)) : 1;
}

/** The viewBox transform (SVG 1.1 §7.8) from user units to a viewport of w × h, y down. */
function viewBoxMatrix(vb: number[], par: string | undefined, w: number, h: number): Matrix {
  if (vb.length !== 4 || !(vb[2] > 0) || !(vb[3] > 0)) return IDENTITY;
  const [minX, minY, vw, vh] = vb;
  const p = (par ?? 'xMidYMid meet').trim().split(/\s+/);
  const align = p[0] === 'defer' ? p[1] ?? 'xMidYMid' : p[0];
  const slice = p.includes('slice');
  let sx = w / vw, sy = h / vh;
  if (align !== 'none') {
    const s = slice ? Math.max(sx, sy) : Math.min(sx, sy);
    sx = sy = s;
  }
  let tx = -minX * sx, ty = -minY * sy;
  if (align !== 'none') {
    const fx = align.includes('xMid') ? 0.5 : align.includes('xMax') ? 1 : 0;
    const fy = align.includes('YMid') ? 0.5 : align.includes('YMax') ? 1 : 0;
    tx += (w - vw * sx) * fx;
    ty += (h - vh * sy) * fy;
  }
  return [sx, 0, 0, sy, tx, ty];
}

/** A rectangle with elliptical corners (SVG 1.1 §9.2), drawn clockwise on screen like SVG's own. */
function roundRect(b: PathBuilder, x: number, y: number, w: number, h: number, rx: number, ry: number): void {
  b.moveTo(x + rx, y);
  b.lineTo(x + w - rx, y).arcTo(rx, ry, 0, false, true, x + w, y + ry);
  b.lineTo(x + w, y + h - ry).arcTo(rx, ry, 0, false, true, x + w - rx, y + h);
  b.lineTo(x + rx, y + h).arcTo(rx, ry, 0, false, true, x, y + h - ry);
  b.lineTo(x, y + ry).arcTo(rx, ry, 0, false, true, x + rx, y);
  b.close();
}

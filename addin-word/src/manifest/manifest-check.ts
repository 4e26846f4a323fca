/**
 * Offline checks of an XML add-in-only manifest (the OfficeApp schema, offappmanifest 1.1, with
 * VersionOverrides 1.0), the part of `office-addin-manifest validate` that needs no network,
 * plus consistency with the build: every URL is under the manifest's base URL and names a file
 * the webpack build (or the icons) actually produced, and every `resid` resolves.
 */
import { child, descendants, elements, parseXml, textOf, type XmlElement } from './xml-tree.js';

/** The OfficeApp children in the order the schema's sequence requires (optional ones included). */
export const OFFICE_APP_ORDER = [
  'Id', 'AlternateId', 'Version', 'ProviderName', 'DefaultLocale', 'DisplayName', 'Description', 'IconUrl',
  'HighResolutionIconUrl', 'SupportUrl', 'AppDomains', 'Hosts', 'Requirements', 'DefaultSettings', 'Permissions',
  'Dependencies', 'VersionOverrides', 'ExtendedOverrides',
] as const;

/** The children Signet's manifests must have (the schema's required ones, plus what the add-in uses). */
export const REQUIRED_CHILDREN = [
  'Id', 'Version', 'ProviderName', 'DefaultLocale', 'DisplayName', 'Description', 'IconUrl', 'HighResolutionIconUrl',
  'SupportUrl', 'AppDomains', 'Hosts', 'DefaultSettings', 'Permissions', 'VersionOverrides',
] as const;

const NS = {
  app: 'http://schemas.microsoft.com/office/appforoffice/1.1',
  ov: 'http://schemas.microsoft.com/office/taskpaneappversionoverrides',
  bt: 'http://schemas.microsoft.com/office/officeappbasictypes/1.0',
  xsi: 'http://www.w3.org/2001/XMLSchema-instance',
};

/** What the check found. */
export interface ManifestReport {
  /** Empty when the manifest passes. */
  problems: string[];
  id?: string;
  /** The URL the add-in's files are under, e.g. `https://localhost:3000/` (from DefaultSettings). */
  baseUrl?: string;
  /** Every URL in the manifest, with the file it names relative to the base. */
  urls: { url: string; file?: string }[];
}

/** Options of {@link checkManifest}. */
export interface ManifestCheckOptions {
  /** Files of the build output (relative paths such as `taskpane.html`, `assets/icon-16.png`). */
  buildFiles: ReadonlySet<string>;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Checks a manifest's text; see {@link ManifestReport}. */
export function checkManifest(xml: string, opts: ManifestCheckOptions): ManifestReport {
  const problems: string[] = [];
  const urls: ManifestReport['urls'] = [];
  let root: XmlElement;
  try {
    root = parseXml(xml);
  } catch (e) {
    return { problems: [`not well-formed XML: ${(e as Error).message}`], urls };
  }
  const xsiType = (e: XmlElement) => Object.entries(e.attrs).find(([k]) => k.endsWith(':type') && k.startsWith('xsi'))?.[1];
  if (root.local !== 'OfficeApp' || root.ns !== NS.app) problems.push(`the root must be OfficeApp in ${NS.app}, not ${root.name} in ${root.ns || 'no namespace'}`);
  if (xsiType(root) !== 'TaskPaneApp') problems.push('OfficeApp must have xsi:type="TaskPaneApp"');

  // Element order: the schema's xs:sequence.
  const kids = elements(root);
  let last = -1;
  for (const k of kids) {
    const at = (OFFICE_APP_ORDER as readonly string[]).indexOf(k.local);
    if (at < 0) problems.push(`line ${k.line}: <${k.name}> is not an OfficeApp child`);
    else if (at <= last) problems.push(`line ${k.line}: <${k.local}> is out of order (the schema wants ${OFFICE_APP_ORDER.join(', ')})`);
    else last = at;
  }
  for (const r of REQUIRED_CHILDREN) if (!kids.some((k) => k.local === r)) problems.push(`<${r}> is missing`);

  const get = (local: string) => child(root, local);
  const id = get('Id') && textOf(get('Id')!);
  if (id !== undefined && !GUID.test(id)) problems.push(`<Id> must be a GUID, not "${id}"`);
  const version = get('Version') && textOf(get('Version')!);
  if (version !== undefined && !/^\d{1,5}(\.\d{1,5}){0,3}$/.test(version)) problems.push(`<Version> must be n.n.n.n, not "${version}"`);
  if (get('DefaultLocale') && textOf(get('DefaultLocale')!) !== 'en-US') problems.push('<DefaultLocale> should be en-US (zh-CN comes as Override)');
  for (const local of ['DisplayName', 'Description']) {
    const e = get(local);
    if (!e) continue;
    if (!e.attrs.DefaultValue) problems.push(`<${local}> needs a DefaultValue`);
    if (!elements(e).some((o) => o.local === 'Override' && o.attrs.Locale === 'zh-CN' && o.attrs.Value)) problems.push(`<${local}> needs <Override Locale="zh-CN" Value="…"/>`);
  }
  if ((get('DisplayName')?.attrs.DefaultValue ?? '').length > 125) problems.push('<DisplayName> is longer than 125 characters');
  const hosts = get('Hosts');
  if (hosts && !elements(hosts).some((h) => h.local === 'Host' && h.attrs.Name === 'Document')) problems.push('<Hosts> must contain <Host Name="Document"/> (Word)');
  if (get('Permissions') && textOf(get('Permissions')!) !== 'ReadWriteDocument') problems.push('<Permissions> must be ReadWriteDocument');

  const source = get('DefaultSettings') && child(get('DefaultSettings')!, 'SourceLocation')?.attrs.DefaultValue;
  let baseUrl: string | undefined;
  if (!source) problems.push('<DefaultSettings> needs <SourceLocation DefaultValue="…"/>');
  else baseUrl = source.replace(/[^/]*$/, '');

  const fileOf = (url: string, where: string): string | undefined => {
    if (!/^https:\/\//.test(url)) {
      problems.push(`${where}: ${url} must be https`);
      return undefined;
    }
    if (!baseUrl || !url.startsWith(baseUrl)) {
      problems.push(`${where}: ${url} is not under the add-in's base URL ${baseUrl ?? '(unknown)'}`);
      return undefined;
    }
    const file = decodeURIComponent(new URL(url).pathname.slice(new URL(baseUrl).pathname.length));
    urls.push({ url, file });
    if (!opts.buildFiles.has(file)) problems.push(`${where}: ${url} names ${file}, which the build does not produce`);
    return file;
  };
  for (const local of ['IconUrl', 'HighResolutionIconUrl', 'SupportUrl']) {
    const v = get(local)?.attrs.DefaultValue;
    if (v) fileOf(v, `<${local}>`);
    else if (get(local)) problems.push(`<${local}> needs a DefaultValue`);
  }
  if (source) fileOf(source, '<DefaultSettings><SourceLocation>');
  for (const d of elements(get('AppDomains') ?? root).filter((e) => e.local === 'AppDomain')) {
    const v = textOf(d);
    if (!/^https:\/\/[^/]+$/.test(v)) problems.push(`line ${d.line}: <AppDomain> must be an https origin, not "${v}"`);
  }

  checkVersionOverrides(get('VersionOverrides'), problems, fileOf, xsiType, source);
  return { problems, id, baseUrl, urls };
}

function checkVersionOverrides(
  vo: XmlElement | undefined, problems: string[], fileOf: (url: string, where: string) => string | undefined,
  xsiType: (e: XmlElement) => string | undefined, defaultSource: string | undefined,
): void {
  if (!vo) return;
  if (vo.ns !== NS.ov) problems.push(`<VersionOverrides> must be in ${NS.ov}`);
  if (xsiType(vo) !== 'VersionOverridesV1_0') problems.push('<VersionOverrides> must have xsi:type="VersionOverridesV1_0"');
  const all = descendants(vo);
  const host = all.find((e) => e.local === 'Host');
  if (!host || xsiType(host) !== 'Document') problems.push('VersionOverrides needs <Host xsi:type="Document">');
  const dff = all.find((e) => e.local === 'DesktopFormFactor');
  if (!dff) problems.push('VersionOverrides needs <DesktopFormFactor>');
  else {
    if (!child(dff, 'FunctionFile')) problems.push('<DesktopFormFactor> needs <FunctionFile resid="…"/> (the schema requires it)');
    const order = elements(dff).map((e) => e.local);
    const want = ['GetStarted', 'FunctionFile', 'ExtensionPoint'];
    const seen = order.filter((o) => want.includes(o));
    if (seen.join() !== want.filter((w) => seen.includes(w)).join()) problems.push(`<DesktopFormFactor> children must come in the order ${want.join(', ')}`);
  }
  const tab = all.find((e) => e.local === 'OfficeTab');
  if (!tab || tab.attrs.id !== 'TabHome') problems.push('the ribbon button must sit on the Home tab (<OfficeTab id="TabHome">)');
  const button = all.find((e) => e.local === 'Control' && xsiType(e) === 'Button');
  const action = button && descendants(button).find((e) => e.local === 'Action');
  if (!action || xsiType(action) !== 'ShowTaskpane') problems.push('a <Control xsi:type="Button"> with <Action xsi:type="ShowTaskpane"> is required');
  const taskpaneResid = action && child(action, 'SourceLocation')?.attrs.resid;
  if (action && !taskpaneResid) problems.push('the ShowTaskpane action needs <SourceLocation resid="…"/>');

  // Resources: defined ids by kind, then every resid must resolve to the right kind, and be used.
  const resources = child(vo, 'Resources');
  if (!resources) {
    problems.push('<VersionOverrides> needs <Resources>');
    return;
  }
  const defs = new Map<string, { kind: string; el: XmlElement }>();
  for (const group of elements(resources)) {
    if (group.ns !== NS.bt) problems.push(`line ${group.line}: <${group.name}> must be in the bt namespace`);
    for (const r of elements(group)) {
      const rid = r.attrs.id;
      if (!rid) { problems.push(`line ${r.line}: <${r.name}> needs an id`); continue; }
      if (rid.length > 32) problems.push(`line ${r.line}: resource id "${rid}" is longer than 32 characters`);
      if (defs.has(rid)) problems.push(`line ${r.line}: resource id "${rid}" is defined twice`);
      defs.set(rid, { kind: group.local, el: r });
      const value = r.attrs.DefaultValue;
      if (!value) problems.push(`line ${r.line}: resource "${rid}" needs a DefaultValue`);
      else if (group.local === 'Images' || group.local === 'Urls') fileOf(value, `resource ${rid}`);
      else {
        const max = group.local === 'ShortStrings' ? 125 : 250;
        if (value.length > max) problems.push(`resource "${rid}" is longer than ${max} characters`);
        if (!elements(r).some((o) => o.local === 'Override' && o.attrs.Locale === 'zh-CN' && o.attrs.Value)) problems.push(`resource "${rid}" needs a zh-CN Override`);
      }
    }
  }
  // Images for icons, Urls for pages, LongStrings for descriptions, ShortStrings for labels and titles.
  const kindFor = (e: XmlElement): string => {
    if (e.local === 'Image') return 'Images';
    if (['SourceLocation', 'FunctionFile', 'LearnMoreUrl'].includes(e.local)) return 'Urls';
    return e.local === 'Description' ? 'LongStrings' : 'ShortStrings';
  };
  const used = new Set<string>();
  const walk = (e: XmlElement) => {
    const rid = e.attrs.resid;
    if (rid !== undefined) {
      used.add(rid);
      const def = defs.get(rid);
      const want = kindFor(e);
      if (!def) problems.push(`line ${e.line}: resid "${rid}" is not defined in <Resources>`);
      else if (def.kind !== want) problems.push(`line ${e.line}: resid "${rid}" must be one of bt:${want}, not bt:${def.kind}`);
    }
    for (const c of elements(e)) if (c.local !== 'Resources') walk(c);
  };
  walk(vo);
  for (const rid of defs.keys()) if (!used.has(rid)) problems.push(`resource "${rid}" is never used`);
  for (const icon of all.filter((e) => e.local === 'Icon')) {
    const sizes = elements(icon).map((i) => i.attrs.size).sort().join(',');
    if (sizes !== '16,32,80') problems.push(`line ${icon.line}: <Icon> needs images of sizes 16, 32 and 80`);
  }
  if (taskpaneResid && defaultSource && defs.get(taskpaneResid)?.el.attrs.DefaultValue !== defaultSource) {
    problems.push(`the ribbon's task pane (${taskpaneResid}) and <DefaultSettings><SourceLocation> must be the same page`);
  }
}

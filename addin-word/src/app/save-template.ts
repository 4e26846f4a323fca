/**
 * Publishing the open document as an enterprise template: its PDF, its variables and its party
 * markers (anchors), so that HR and the console can start contracts from it.
 */
import { AddinError } from '../addin-error.js';
import type { TemplateSummary } from '../api/signet-api.js';
import type { AppDeps } from './app-deps.js';
import { anchorFields, readOutline } from './document-outline.js';

/** Publishes the document. Needs a PDF export and at least one party marker. */
export async function saveAsTemplate(deps: AppDeps, opts: { name: string; description?: string }): Promise<TemplateSummary> {
  const name = opts.name.trim();
  if (!name) throw new AddinError('INVALID_ARGUMENT', '请输入模板名称。Enter a name for the template.', { details: { field: 'name' } });
  const outline = await readOutline(deps.gateway);
  if (outline.markers.length === 0) {
    throw new AddinError('INVALID_ARGUMENT', '模板至少需要一个签署位置，请先在“起草”中标记。A template needs at least one party marker: mark where each party signs in Draft first.');
  }
  const exported = await deps.gateway.exportDocument();
  if (exported.format !== 'pdf') {
    throw new AddinError('OFFICE_UNSUPPORTED', '此版本的 Word 不能导出 PDF，模板需要 PDF。This Word cannot export PDF, and a template needs one: use Word on Windows, Mac or the web.');
  }
  const file = await deps.api.uploadFile(exported.bytes, { name: `${name}.pdf`, format: 'pdf' });
  const description = opts.description?.trim();
  return deps.api.createTemplate({
    name,
    ...(description ? { description } : {}),
    fileId: file.fileId,
    variables: outline.variables.map((v) => v.name),
    fields: anchorFields(outline),
  });
}

/**
 * Publishing the open document as an enterprise template: its PDF (`POST /files`) and a definition
 * with a signature or seal field at each party marker (`POST /templates`), so that HR and the
 * console can start contracts from it. The variables' current text is part of the PDF; the
 * server's templates fill values into fields at fixed places, which Word's flowing text has not.
 */
import { AddinError } from '../addin-error.js';
import type { TemplateSummary } from '../api/signet-api.js';
import type { AppDeps } from './app-deps.js';
import { anchorFields, readOutline } from './document-outline.js';
import { exportPdf } from './export-pdf.js';

/** Publishes the document. Needs a signature or seal marker and a PDF export. */
export async function saveAsTemplate(deps: AppDeps, opts: { name: string }): Promise<TemplateSummary> {
  const name = opts.name.trim();
  if (!name) throw new AddinError('INVALID_ARGUMENT', '请输入模板名称。Enter a name for the template.', { details: { field: 'name' } });
  const fields = anchorFields(await readOutline(deps.gateway)).filter((f) => f.kind !== 'date');
  if (fields.length === 0) {
    throw new AddinError('INVALID_ARGUMENT', '模板至少需要一个签字或盖章位置，请先在“起草”中标记。A template needs at least one signature or seal marker: mark where each party signs in Draft first.');
  }
  const exported = await exportPdf(deps.gateway);
  const file = await deps.api.uploadFile(exported.bytes, `${name}.pdf`);
  return deps.api.createTemplate({ name, fileId: file.fileId, fields });
}

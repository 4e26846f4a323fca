/**
 * What the task pane offers where Word can export only DOCX (an action refused with
 * {@link isDocxOnly}): the DOCX itself, to save, turn into a PDF and send from the console.
 * Signet signs PDFs only, so the DOCX never goes to the server.
 */
import type { OfficeGateway } from '../office/office-gateway.js';
import { exportDocxFallback, isDocxOnly } from '../app/export-pdf.js';
import { Button, ErrorNotice, Status, useAction } from './components.js';
import { saveDownload } from './download.js';
import { useT } from './ui-context.js';
import { useState } from 'preact/hooks';

/** Shown under an action's error when that error is the DOCX-only refusal; renders nothing otherwise. */
export function DocxFallback(props: { gateway: OfficeGateway; error: unknown }) {
  const t = useT();
  const [saved, setSaved] = useState('');
  const run = useAction(async () => {
    setSaved('');
    const file = await exportDocxFallback(props.gateway);
    saveDownload(file);
    setSaved(t('docx.saved', { name: file.fileName }));
  });
  if (!isDocxOnly(props.error)) return null;
  return (
    <div class="docx-fallback">
      <p class="hint">{t('docx.hint')}</p>
      <Button busy={run.busy} onClick={() => void run.run()}>{t('docx.button')}</Button>
      {saved && <Status>{saved}</Status>}
      <ErrorNotice error={run.error} />
    </div>
  );
}

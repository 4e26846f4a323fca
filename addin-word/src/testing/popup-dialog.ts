/**
 * An Office dialog for browser tests: the login page opened in a real popup window, the way Word
 * on the web opens `displayDialogAsync`, answering with what the page sends through
 * `Office.context.ui.messageParent` (the test's Office.js stub posts it to the opener as
 * {@link DIALOG_MESSAGE_TYPE}). Side-effect free, so Node specs can import the constant.
 */
import { AddinError } from '../addin-error.js';

/** The `type` of the message the Office.js stub posts from the dialog to its opener. */
export const DIALOG_MESSAGE_TYPE = 'signet-test:office-dialog-message';

/** Opens `url` in a popup and resolves with the first message it sends its opener; rejects when the popup is closed first. */
export function popupDialog(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const win = window.open(url, 'signet-dialog', 'popup,width=420,height=680');
    if (!win) {
      reject(new AddinError('OFFICE_DIALOG_FAILED', '无法打开登录窗口，请允许弹出窗口。The login window could not open: allow pop-ups for this site.'));
      return;
    }
    const origin = new URL(url).origin;
    const onMessage = (e: MessageEvent) => {
      const d = e.data as { type?: unknown; message?: unknown } | null;
      if (e.source !== win || e.origin !== origin || d?.type !== DIALOG_MESSAGE_TYPE || typeof d.message !== 'string') return;
      done();
      win.close();
      resolve(d.message);
    };
    const watch = setInterval(() => {
      if (!win.closed) return;
      done();
      reject(new AddinError('OFFICE_DIALOG_CLOSED', '对话框已关闭，请重新打开以继续。The dialog was closed: open it again to continue.'));
    }, 200);
    const done = () => {
      clearInterval(watch);
      window.removeEventListener('message', onMessage);
    };
    window.addEventListener('message', onMessage);
  });
}

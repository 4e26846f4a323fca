/**
 * Saving bytes as a file from the task pane: an object URL on a temporary `<a download>`. Word
 * on the web and recent desktop Word (WebView2, WKWebView) hand it to the browser's downloads.
 */

/** Starts a download of `bytes` as `fileName`. */
export function saveDownload(d: { bytes: Uint8Array; fileName: string; mediaType: string }): void {
  const url = URL.createObjectURL(new Blob([d.bytes as Uint8Array<ArrayBuffer>], { type: d.mediaType }));
  const a = document.createElement('a');
  a.href = url;
  a.download = d.fileName;
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** An object URL for `bytes` (revoke it with `URL.revokeObjectURL` when done). */
export function objectUrl(bytes: Uint8Array, mediaType: string): string {
  return URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: mediaType }));
}

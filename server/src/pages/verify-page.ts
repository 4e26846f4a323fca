/**
 * The public verification page `/verify`: upload a PDF, see the report laid out like Adobe Reader's
 * signature panel, green / amber / red. Self-contained (no CDN), mobile-first, zh-CN with English.
 */

/** Returns the page's HTML. */
export function verifyPage(): string {
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>验证签名 · Verify signatures — Signet</title>
<style>
  :root { --ok:#0a7d32; --warn:#a15c00; --bad:#b3261e; --ink:#1d1d1f; --muted:#5f6368; --line:#dadce0; }
  * { box-sizing: border-box; }
  body { margin:0; font: 16px/1.5 system-ui, -apple-system, "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif; color:var(--ink); background:#f6f7f9; }
  header { background:#fff; border-bottom:1px solid var(--line); padding:12px 16px; }
  header h1 { margin:0; font-size:1.15rem; } header p { margin:2px 0 0; color:var(--muted); font-size:.9rem; }
  main { max-width: 860px; margin: 0 auto; padding: 16px; }
  .drop { display:block; background:#fff; border:2px dashed #9aa0a6; border-radius:12px; padding:28px 16px; text-align:center; cursor:pointer; }
  .drop:focus-within, .drop:hover { border-color:#1a73e8; }
  .drop input { display:block; margin: 12px auto 0; max-width:100%; }
  .verdict { margin-top:16px; padding:14px 16px; border-radius:10px; font-weight:600; }
  .verdict.ok { background:#e6f4ea; color:var(--ok); } .verdict.warn { background:#fef7e0; color:var(--warn); } .verdict.bad { background:#fce8e6; color:var(--bad); }
  .sig { background:#fff; border:1px solid var(--line); border-radius:10px; margin-top:12px; padding:12px 14px; }
  .sig h2 { font-size:1rem; margin:0 0 6px; display:flex; gap:8px; align-items:baseline; flex-wrap:wrap; }
  .badge { font-size:.8rem; padding:2px 8px; border-radius:99px; color:#fff; }
  .badge.ok { background:var(--ok); } .badge.warn { background:var(--warn); } .badge.bad { background:var(--bad); }
  .sig ul { margin:0; padding-left:1.1rem; } .sig li { margin:2px 0; }
  .muted { color:var(--muted); font-size:.88rem; word-break:break-all; }
  .err { color:var(--bad); }
  footer { text-align:center; color:var(--muted); font-size:.85rem; padding:24px 8px; }
</style>
</head>
<body>
<header><h1>验证 PDF 签名 <span lang="en">Verify PDF signatures</span></h1>
<p>文件只在本服务器上验证，不会保存。 <span lang="en">The file is checked on this server and not stored.</span></p></header>
<main>
  <label class="drop" for="file">选择或拖入已签名的 PDF 文件 <span lang="en">Choose or drop a signed PDF</span>
    <input id="file" name="file" type="file" accept="application/pdf,.pdf" aria-describedby="status">
  </label>
  <div id="status" role="status" aria-live="polite"></div>
  <div id="result"></div>
</main>
<footer>Signet · PAdES / ETSI EN 319 142 · <a href="/pki/root.pem">根证书 Trust anchor</a></footer>
<script>
(function () {
  var input = document.getElementById('file');
  var status = document.getElementById('status');
  var result = document.getElementById('result');
  var drop = document.querySelector('.drop');
  function esc(s) { return String(s == null ? '' : s).replace(/[&<>"']/g, function (c) { return ({'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;',"'":'&#39;'})[c]; }); }
  function li(ok, zh, en) { return '<li>' + (ok ? '✔ ' : '✖ ') + esc(zh) + ' <span class="muted" lang="en">' + esc(en) + '</span></li>'; }
  function render(r) {
    var cls = r.valid ? 'ok' : (r.signatures.some(function (s) { return s.indication === 'TOTAL_FAILED'; }) ? 'bad' : 'warn');
    var h = '<div class="verdict ' + cls + '">' + esc(r.summaryZh) + ' <span lang="en">' + esc(r.summary) + '</span></div>';
    h += '<p class="muted">SHA-256 ' + esc(r.fileSha256) + ' · ' + r.revisionCount + ' 个版本 revisions</p>';
    r.signatures.forEach(function (s) {
      var ok = s.indication === 'TOTAL_PASSED' && s.modifications.allowed;
      var c = ok ? 'ok' : (s.indication === 'TOTAL_FAILED' ? 'bad' : 'warn');
      var who = (s.signer && (s.signer.commonName || s.signer.organization)) || '未知 unknown';
      h += '<section class="sig" aria-label="signature ' + s.index + '"><h2><span class="badge ' + c + '">' + (ok ? '有效 Valid' : c === 'bad' ? '无效 Invalid' : '待确认 Unknown') + '</span>' +
        esc((s.type === 'doc-timestamp' ? '文档时间戳 Document time-stamp' : '签名 Signature') + ' ' + s.index + ' · ' + who) + '</h2><ul>';
      var intact = s.integrity.digestMatches && s.integrity.signatureValid && s.integrity.byteRangeValid;
      h += li(intact && s.modifications.allowed, intact ? (s.modifications.allowed ? '签名后文档未被非法修改' : '签名后文档被非法修改') : '文档已被篡改或损坏',
        intact ? (s.modifications.allowed ? 'Not modified illegally since signing' : 'Changed illegally after signing') : 'Altered or corrupted since signing');
      h += li(s.certificate.trusted, s.certificate.trusted ? '签署人身份有效' : '签署人身份无法确认', s.certificate.trusted ? "Signer's identity is valid" : "Signer's identity is unknown");
      if (s.type === 'signature') h += li(!!(s.timestamp && s.timestamp.valid), s.timestamp ? '含可信时间戳 ' + s.timestamp.time : '无时间戳（时间来自签署人电脑）', s.timestamp ? 'Embedded timestamp' : 'No timestamp (signer clock)');
      h += li(s.ltv, s.ltv ? '已启用长期验证 (LTV)' : '未启用长期验证', s.ltv ? 'LTV enabled' : 'Not LTV enabled');
      if (s.certification) h += '<li>🔒 认证签名，' + esc(s.certification.description) + ' <span class="muted">Certified, DocMDP P=' + s.certification.p + '</span></li>';
      h += '</ul><p class="muted">' + esc('字段 Field ' + s.fieldName + (s.page ? ' · 第 ' + s.page + ' 页 page' : '') + ' · 版本 Rev ' + s.revision + '/' + s.revisionCount + ' · PAdES ' + s.padesLevel + ' · ETSI ' + s.indication + (s.subIndication ? '/' + s.subIndication : '')) + '</p>';
      if (s.signer) h += '<p class="muted">' + esc(s.signer.subject) + '</p>';
      s.problems.forEach(function (p) { h += '<p class="muted err">' + esc(p) + '</p>'; });
      h += '</section>';
    });
    result.innerHTML = h;
  }
  function send(file) {
    if (!file) return;
    status.textContent = '正在验证… Verifying…';
    result.innerHTML = '';
    fetch('/api/v1/verify', { method: 'POST', headers: { 'Content-Type': 'application/pdf' }, body: file })
      .then(function (res) { return res.json().then(function (j) { return { ok: res.ok, j: j }; }); })
      .then(function (x) {
        status.textContent = '';
        if (!x.ok) { result.innerHTML = '<div class="verdict bad">无法验证此文件 Cannot verify this file: ' + esc(x.j.message) + '</div>'; return; }
        render(x.j);
      })
      .catch(function (e) { status.textContent = ''; result.innerHTML = '<div class="verdict bad">网络错误 Network error: ' + esc(e.message) + '</div>'; });
  }
  input.addEventListener('change', function () { send(input.files[0]); });
  drop.addEventListener('dragover', function (e) { e.preventDefault(); });
  drop.addEventListener('drop', function (e) { e.preventDefault(); send(e.dataTransfer.files[0]); });
})();
</script>
</body>
</html>`;
}

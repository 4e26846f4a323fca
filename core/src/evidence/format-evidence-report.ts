/**
 * Renders an evidence package report as text for a terminal: zh-CN first with English alongside,
 * one line per check, then every problem with its stable code.
 */
import { formatChinaTime } from './china-time.js';
import type { EvidencePackageReport } from './verify-evidence-package.js';

const mark = (ok: boolean) => (ok ? '[OK]  ' : '[FAIL]');

/** Formats {@link EvidencePackageReport} as bilingual text, ending with a newline. */
export function formatEvidenceReport(r: EvidencePackageReport): string {
  const out: string[] = [];
  out.push(`${r.summaryZh}`, `${r.summary}`, '');
  out.push(`合同 Contract: ${r.contract.name} (${r.contract.number})`);
  out.push(`存证包 Package: SHA-256 ${r.packageSha256}, format version ${r.formatVersion}`);
  out.push('');
  const badEntries = r.entries.filter((e) => !e.present || !e.sizeMatches || !e.sha256Matches).length;
  const extra = r.problems.filter((p) => p.code === 'ENTRY_NOT_IN_MANIFEST').length;
  out.push(`${mark(badEntries === 0 && extra === 0)} 清单 Manifest: ${r.entries.length} 项 entries, ${badEntries === 0 ? '哈希与大小全部一致 every hash and size matches' : `${badEntries} 项不符 do not match`}${extra ? `; ${extra} 项未列入清单 not listed` : ''}`);

  const page = r.evidencePage;
  if (page) {
    const v = page.verification;
    const sig = v?.signatures.find((s) => s.type === 'signature');
    const ok = !!v?.valid && page.dataMatchesManifest && !!sig?.timestamp?.valid;
    const who = sig?.signer?.commonName ?? 'unknown';
    const ts = sig?.timestamp ? `, 时间戳 timestamp ${formatChinaTime(sig.timestamp.time)}` : '';
    out.push(`${mark(ok)} 存证页 Evidence page ${page.path}: ${v?.valid ? '签名有效 signature valid' : '签名无效 signature NOT valid'}, 签署者 signed by ${who}${ts}, PAdES ${sig?.padesLevel ?? 'none'}; ${page.dataMatchesManifest ? '存证数据与清单一致 its data matches the manifest' : '存证数据与清单不一致 its data does NOT match the manifest'}`);
  }
  for (const f of r.files) {
    const v = f.verification;
    const sigs = v ? v.signatures.length : 0;
    const ok = f.matchesEvidencePage && !!v?.valid && f.originalMatches !== false;
    const parts = [
      f.matchesEvidencePage ? 'SHA-256 与存证页一致 matches the evidence page' : 'SHA-256 与存证页不一致 does NOT match the evidence page',
      v ? (v.valid ? `${sigs} 个签名全部有效 ${sigs} signature(s), all valid` : `签名未通过 signatures fail: ${v.summary}`) : '无法验证 not verifiable',
    ];
    if (f.originalMatches !== undefined) parts.push(f.originalMatches ? '原文件一致 original matches' : '原文件不一致 original does NOT match');
    out.push(`${mark(ok)} 文件 File ${f.index} ${f.name}: ${parts.join('; ')}`);
  }
  const a = r.audit;
  if (a) {
    const ts = a.headTimestamp;
    const ok = a.ok && a.matchesEvidencePage !== false && (!ts || (ts.valid && ts.trusted));
    const chain = a.ok ? `${a.events} 条事件，哈希链完整 ${a.events} events, chain intact` : `哈希链在第 ${a.brokenAt} 条断开 chain broken at event ${a.brokenAt}`;
    const head = a.matchesEvidencePage === undefined ? '' : a.matchesEvidencePage ? '; 链头与存证页一致 head matches the evidence page' : '; 链头与存证页不一致 head does NOT match the evidence page';
    const stamp = ts ? `; 链头时间戳 head timestamp ${ts.time ? formatChinaTime(ts.time) : '?'} ${ts.valid && ts.trusted ? '有效 valid' : '无效 NOT valid'}` : '; 链头无时间戳 head not time-stamped';
    out.push(`${mark(ok)} 审计日志 Audit log ${a.path}: ${chain}${head}${stamp}`);
  }
  if (r.problems.length) {
    out.push('', `问题 Problems (${r.problems.length}):`);
    for (const p of r.problems) {
      out.push(`  ✗ [${p.code}] ${p.messageZh}`, `      ${p.message}`);
    }
  }
  return out.join('\n') + '\n';
}

/**
 * The texts the connector writes back into the OA (approval comments, callback messages): zh-CN
 * first, English alongside. Every text ends with a reference line that names the request and the
 * kind of report, so that a retried job can see a report it already made and not make it twice.
 */

/** What a report says. */
export type OaReportKind = 'stamped' | 'refused' | 'completed' | 'declined' | 'failed';

/** The last line of every report: `Signet · <kind> · <request key>`. */
export function reportMarker(kind: OaReportKind, key: string): string {
  return `Signet · ${kind} · ${key}`;
}

function short(sha256: string | undefined): string {
  return sha256 ? `SHA-256 ${sha256.slice(0, 16)}…` : '';
}

/** The "已用印" comment: what was stamped, with which seal, and where to verify it. */
export function stampedText(o: {
  key: string; enterprise: string; seal: string; contractId: string; verifyUrl: string;
  documents: { name: string; sha256?: string }[]; counterpartyPending: boolean;
}): string {
  return [
    '已用印 Stamped',
    `印章 Seal：${o.seal}（${o.enterprise}）`,
    ...o.documents.map((d) => `文件 File：${d.name}${d.sha256 ? `（${short(d.sha256)}）` : ''}`),
    `合同编号 Contract：${o.contractId}`,
    `验证 Verify：${o.verifyUrl}`,
    ...(o.counterpartyPending ? ['已发送相对方签署，完成后将回传最终文件。Sent to the counterparty; the final PDF follows once they have signed.'] : []),
    reportMarker('stamped', o.key),
  ].join('\n');
}

/** The comment for a request that cannot be stamped: why, and what to do. */
export function refusedText(o: { key: string; reason: string }): string {
  return [
    '未能用印 Not stamped',
    `原因 Reason：${o.reason}`,
    '请处理后重新提交用印申请。Fix this and submit a new seal-use request.',
    reportMarker('refused', o.key),
  ].join('\n');
}

/** The comment when stamping kept failing (the queue gave up). */
export function failedText(o: { key: string; reason: string }): string {
  return [
    '用印失败 Stamping failed',
    `原因 Reason：${o.reason}`,
    '多次重试后仍未成功，请联系管理员。It kept failing after several retries; ask your administrator.',
    reportMarker('failed', o.key),
  ].join('\n');
}

/** The comment with the final PDF, once every party has signed. */
export function completedText(o: { key: string; contractId: string; verifyUrl: string; documents: { name: string; sha256?: string }[] }): string {
  return [
    '合同已完成 Completed: every party has signed.',
    ...o.documents.map((d) => `最终文件 Final file：${d.name}${d.sha256 ? `（${short(d.sha256)}）` : ''}`),
    `合同编号 Contract：${o.contractId}`,
    `验证 Verify：${o.verifyUrl}`,
    reportMarker('completed', o.key),
  ].join('\n');
}

/** The comment when the counterparty rejected, or the contract expired or was revoked before they signed. */
export function declinedText(o: { key: string; contractId: string; state: string }): string {
  const zh = o.state === 'rejected' ? '相对方已拒签' : o.state === 'expired' ? '相对方未在期限内签署，合同已过期' : '合同已撤销';
  const en = o.state === 'rejected' ? 'The counterparty declined to sign' : o.state === 'expired' ? 'The counterparty did not sign in time; the contract expired' : 'The contract was revoked';
  return [`${zh}。${en}.`, `合同编号 Contract：${o.contractId}`, reportMarker('declined', o.key)].join('\n');
}

/** The name of a stamped copy: `合同.pdf` → `合同（已用印）.pdf`. */
export function stampedFileName(name: string, final = false): string {
  const tag = final ? '（已完成）' : '（已用印）';
  return /\.pdf$/i.test(name) ? name.replace(/\.pdf$/i, `${tag}.pdf`) : `${name}${tag}.pdf`;
}

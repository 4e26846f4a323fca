/**
 * Test fixtures for the HR connector's server specs: the sample onboarding bundle (labor contract,
 * NDA, handbook acknowledgement) on an enterprise, its contract seal with a standing auto-stamp
 * authorization for the connector, the sample mapping, and employee CSVs. Test code only.
 */
import { HR_APP_ID, sampleEmployeeRow, sampleHrMapping, sampleHrTemplates, SAMPLE_CSV_HEADER, type HrMapping } from '@signet/connector-hr';
import type { Actor } from '@signet/core';
import type { Platform } from '../platform.js';

/** What {@link setUpHrBundle} made. */
export interface HrBundleFixture {
  bundleId: string;
  sealId: string;
  templateIds: string[];
  mapping: HrMapping;
}

/** Creates the sample bundle, a contract seal and its auto-stamp authorization for `signet-hr` (and `appIds`), and the mapping. */
export async function setUpHrBundle(p: Platform, admin: Actor & { kind: 'member' }, opts: { appIds?: string[]; period?: string } = {}): Promise<HrBundleFixture> {
  const ent = (await p.directory.getEnterprise(admin.enterpriseId))!;
  const templateIds: string[] = [];
  for (const t of sampleHrTemplates(p.deps.font)) templateIds.push((await p.workflow.templates.create(admin, { name: t.name, definition: t.definition, basePdf: t.basePdf })).id);
  const bundle = await p.workflow.templates.createBundle(admin, { name: '入职合同组合', templateIds });
  const seal = await p.workflow.seals.create(admin, { name: '合同专用章', category: 'contract', spec: { type: 'round', name: ent.name, sealType: '合同专用章' } });
  await p.workflow.seals.authorizeAutoStamp(admin, { seal: seal.id, expiresAt: new Date(Date.now() + 365 * 86_400_000), scope: { appIds: [HR_APP_ID, ...(opts.appIds ?? [])] }, purpose: 'HR' });
  const mapping = sampleHrMapping({ bundleId: bundle.id, enterpriseId: ent.id, enterpriseName: ent.name, uscc: ent.uscc, sealId: seal.id, ...(opts.period ? { period: opts.period } : {}) });
  return { bundleId: bundle.id, sealId: seal.id, templateIds, mapping };
}

/** A CSV (UTF-8, BOM, CRLF) of the given rows under the sample header; `edit` changes cells by column name. */
export function employeesCsv(rows: number[] | string[][], edit: Record<number, Record<string, string>> = {}): string {
  const lines = [SAMPLE_CSV_HEADER.join(',')];
  for (const [n, r] of rows.entries()) {
    const row = typeof r === 'number' ? sampleEmployeeRow(r) : [...r];
    for (const [col, v] of Object.entries(edit[n] ?? {})) row[SAMPLE_CSV_HEADER.indexOf(col)] = v;
    lines.push(row.join(','));
  }
  return `\ufeff${lines.join('\r\n')}\r\n`;
}

/** The sample row of employee `i`, by column name. */
export function employeeOf(i: number): Record<string, string> {
  const row = sampleEmployeeRow(i);
  return Object.fromEntries(SAMPLE_CSV_HEADER.map((h, k) => [h, row[k]]));
}

/**
 * What `npm start` adds to the demo enterprise after `seedDemo`, so that the console has something
 * in it: a generated round 合同专用章 and a 公章, both granted to the admin and the seal admin, the
 * two sample templates (劳动合同, 保密协议) and a bundle of both (入职合同组合). Idempotent: anything
 * already there (by name) is kept as it is. It acts as the demo admin, so the seals' and templates'
 * audit logs name that account.
 */
import { DEMO_SEED, type Actor, type DemoSeedResult, type SealRecord, type TemplateRecord } from '@signet/core';
import type { Platform } from '../platform.js';
import { demoConfidentialityAgreement, demoLaborContract } from './demo-templates.js';

/** The names the extras are found by. */
export const DEMO_EXTRAS = Object.freeze({
  contractSeal: '合同专用章',
  officialSeal: '公章',
  bundle: '入职合同组合 Onboarding bundle',
});

/** What {@link seedDemoExtras} made or found. */
export interface DemoExtras {
  seals: SealRecord[];
  templates: TemplateRecord[];
  bundleId: string;
  /** False when everything was there already. */
  created: boolean;
}

/** Adds the demo seals, grants, templates and bundle to the demo enterprise (see the file comment). */
export async function seedDemoExtras(p: Platform, demo: DemoSeedResult): Promise<DemoExtras> {
  const enterpriseId = demo.enterprise.id;
  const admin: Actor = { kind: 'member', userId: demo.admin.id, enterpriseId, roles: ['super_admin'] };
  const { seals, templates } = p.workflow;
  let created = false;

  const existingSeals = await seals.list(admin);
  const sealSpecs = [
    { name: DEMO_EXTRAS.contractSeal, category: 'contract' as const, spec: { type: 'round', name: demo.enterprise.name, sealType: '合同专用章', code: '3101150012345' } },
    { name: DEMO_EXTRAS.officialSeal, category: 'official' as const, spec: { type: 'round', name: demo.enterprise.name } },
  ];
  const made: SealRecord[] = [];
  for (const s of sealSpecs) {
    let seal = existingSeals.find((x) => x.name === s.name);
    if (!seal) {
      seal = await seals.create(admin, s);
      created = true;
    }
    made.push(seal);
  }
  const sealAdmin = demo.members[DEMO_SEED.members.findIndex((m) => m.roles.includes('seal_admin'))];
  const grantees = [demo.admin.id, ...(sealAdmin ? [sealAdmin.id] : [])];
  const now = p.clock.now();
  for (const seal of made) {
    for (const userId of grantees) {
      if (!(await seals.activeGrant(enterpriseId, seal.id, userId, now))) {
        await seals.grant(admin, seal.id, { userId });
        created = true;
      }
    }
  }

  const existingTemplates = await templates.list(admin);
  const tpls: TemplateRecord[] = [];
  for (const make of [demoLaborContract, demoConfidentialityAgreement]) {
    const t = make(p.deps.font);
    let rec = existingTemplates.find((x) => x.name === t.name);
    if (!rec) {
      rec = await templates.create(admin, { name: t.name, definition: t.definition, basePdf: t.basePdf });
      await p.directory.store.transact([await p.directory.audit.append(enterpriseId, 'template.created', admin, p.clock.now(), { templateId: rec.id, name: rec.name, seed: true })]);
      created = true;
    }
    tpls.push(rec);
  }
  let bundle = (await templates.listBundles(admin)).find((b) => b.name === DEMO_EXTRAS.bundle);
  if (!bundle) {
    bundle = await templates.createBundle(admin, { name: DEMO_EXTRAS.bundle, templateIds: tpls.map((t) => t.id) });
    await p.directory.store.transact([await p.directory.audit.append(enterpriseId, 'bundle.created', admin, p.clock.now(), { bundleId: bundle.id, name: bundle.name, seed: true })]);
    created = true;
  }
  return { seals: made, templates: tpls, bundleId: bundle.id, created };
}

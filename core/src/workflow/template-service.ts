/**
 * Templates and bundles (模板, 合同组合) of an enterprise: the definition (as the template module
 * defines it) and the base PDF's blob id. Template admins (and above) and the enterprise's apps
 * write them; every member may use them. Another enterprise's templates do not exist for the caller.
 */
import { SignetError } from '../errors.js';
import type { Actor } from '../directory/actor.js';
import type { BlobStore } from '../ports/blob-store.js';
import type { Clock } from '../ports/clock.js';
import type { IdGenerator } from '../ports/id-generator.js';
import { PdfReader } from '../pdf/reader.js';
import type { BundleRecord, TemplateRecord } from './template-record.js';
import type { WorkflowCollections } from './workflow-collections.js';
import { actorId, forbidden, hasRoleAtLeast, notFound, requireTenant } from './workflow-actor.js';

/** What {@link TemplateService} needs. */
export interface TemplateServiceDeps {
  collections: WorkflowCollections;
  blobs: BlobStore;
  clock: Clock;
  ids: IdGenerator;
}

/** Input of {@link TemplateService.create}. */
export interface CreateTemplateInput {
  name: string;
  /** The template module's `TemplateDefinition` (JSON). */
  definition: unknown;
  basePdf: Uint8Array;
  /** Signer roles; by default those named by the definition's `fields[].role`. */
  roles?: string[];
}

/** The roles a definition's signature and seal fields name (`fields[].role`), in first-seen order. */
export function rolesOfDefinition(definition: unknown): string[] {
  const fields = (definition as { fields?: unknown })?.fields;
  if (!Array.isArray(fields)) return [];
  const roles = new Set<string>();
  for (const f of fields) {
    const role = (f as { role?: unknown })?.role;
    if (typeof role === 'string' && role) roles.add(role);
  }
  return [...roles];
}

function checkName(name: unknown, what: string): string {
  const n = typeof name === 'string' ? name.trim() : '';
  if (!n || [...n].length > 100) throw new SignetError('INVALID_ARGUMENT', `${what}名称须为 1 到 100 个字。Give the ${what === '模板' ? 'template' : 'bundle'} a name of 1 to 100 characters.`);
  return n;
}

/** The template service. */
export class TemplateService {
  private readonly col: WorkflowCollections;

  constructor(private readonly deps: TemplateServiceDeps) {
    this.col = deps.collections;
  }

  private requireWriter(actor: Actor): string {
    const tenant = requireTenant(actor, 'manage templates');
    if (actor.kind === 'member' && !hasRoleAtLeast(actor, 'template_admin')) {
      throw forbidden('只有模板管理员可以管理模板。', 'Only a template admin (or a higher role) can create or change templates; ask one to do it.');
    }
    return tenant;
  }

  /** Stores a template: its definition and base PDF (checked to be a readable PDF). */
  async create(actor: Actor, input: CreateTemplateInput): Promise<TemplateRecord> {
    const tenant = this.requireWriter(actor);
    const name = checkName(input?.name, '模板');
    if (input.definition === undefined || input.definition === null || typeof input.definition !== 'object') {
      throw new SignetError('INVALID_ARGUMENT', '请提供模板定义（JSON 对象）。Give the template definition as a JSON object.');
    }
    if (!(input.basePdf instanceof Uint8Array)) throw new SignetError('INVALID_ARGUMENT', '请上传模板底稿 PDF。Give the base PDF of the template.');
    PdfReader.load(input.basePdf);
    const roles = input.roles ?? rolesOfDefinition(input.definition);
    const basePdf = await this.deps.blobs.put(input.basePdf);
    return this.col.templates.insert({
      id: this.deps.ids.next('tpl'),
      tenant,
      name,
      definition: JSON.parse(JSON.stringify(input.definition)) as unknown,
      basePdf,
      roles: [...new Set(roles)],
      createdAt: this.deps.clock.now().toISOString(),
      createdBy: actorId(actor),
    });
  }

  /** A template of the actor's enterprise. */
  async get(actor: Actor, templateId: string): Promise<TemplateRecord> {
    const tenant = requireTenant(actor, 'use templates');
    const t = await this.col.templates.get(templateId);
    if (!t || t.tenant !== tenant) throw notFound('Template 模板', templateId);
    return t;
  }

  /** Every template of the actor's enterprise. */
  async list(actor: Actor): Promise<TemplateRecord[]> {
    return this.col.templates.find('tenant', requireTenant(actor, 'list templates'));
  }

  /** Stores a bundle of the enterprise's templates (at least one, each at most once). */
  async createBundle(actor: Actor, input: { name: string; templateIds: string[] }): Promise<BundleRecord> {
    const tenant = this.requireWriter(actor);
    const name = checkName(input?.name, '合同组合');
    const ids = Array.isArray(input.templateIds) ? input.templateIds : [];
    if (ids.length === 0 || ids.length > 20 || new Set(ids).size !== ids.length) {
      throw new SignetError('INVALID_ARGUMENT', '合同组合须包含 1 到 20 个不重复的模板。A bundle needs 1 to 20 distinct template ids.');
    }
    for (const id of ids) await this.get(actor, id);
    return this.col.bundles.insert({
      id: this.deps.ids.next('bdl'),
      tenant,
      name,
      templateIds: [...ids],
      createdAt: this.deps.clock.now().toISOString(),
      createdBy: actorId(actor),
    });
  }

  /** A bundle of the actor's enterprise. */
  async getBundle(actor: Actor, bundleId: string): Promise<BundleRecord> {
    const tenant = requireTenant(actor, 'use bundles');
    const b = await this.col.bundles.get(bundleId);
    if (!b || b.tenant !== tenant) throw notFound('Bundle 合同组合', bundleId);
    return b;
  }

  /** Every bundle of the actor's enterprise. */
  async listBundles(actor: Actor): Promise<BundleRecord[]> {
    return this.col.bundles.find('tenant', requireTenant(actor, 'list bundles'));
  }
}

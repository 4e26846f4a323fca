import assert from 'node:assert/strict';
import { isSignetError } from '../errors.js';
import { ENTERPRISE_ROLES, type Actor, type EnterpriseRole } from './actor.js';
import { ACTIONS, assertCan, can, PERMISSIONS, type Action } from './permissions.js';

/**
 * The table, restated independently: who may do what. A change to PERMISSIONS must change this too,
 * on purpose.
 */
const EXPECTED: Record<Action, { roles: EnterpriseRole[]; app: boolean }> = {
  'enterprise.create': { roles: [...ENTERPRISE_ROLES], app: false },
  'enterprise.read': { roles: [...ENTERPRISE_ROLES], app: true },
  'enterprise.update': { roles: ['super_admin', 'system_admin'], app: false },
  'enterprise.verify': { roles: ['super_admin', 'system_admin'], app: false },
  'enterprise.set_parent': { roles: ['super_admin'], app: false },
  'member.read': { roles: [...ENTERPRISE_ROLES], app: true },
  'member.invite': { roles: ['super_admin', 'system_admin'], app: true },
  'member.manage': { roles: ['super_admin', 'system_admin'], app: false },
  'contact.read': { roles: [...ENTERPRISE_ROLES], app: true },
  'contact.manage': { roles: [...ENTERPRISE_ROLES], app: true },
  'contact.review': { roles: ['super_admin', 'system_admin'], app: false },
  'seal.read': { roles: [...ENTERPRISE_ROLES], app: true },
  'seal.create': { roles: ['super_admin', 'system_admin', 'seal_admin'], app: true },
  'seal.manage': { roles: ['super_admin', 'system_admin', 'seal_admin'], app: true },
  'seal.grant': { roles: ['super_admin', 'system_admin', 'seal_admin'], app: true },
  'seal.ledger.read': { roles: ['super_admin', 'system_admin', 'seal_admin'], app: true },
  'template.read': { roles: [...ENTERPRISE_ROLES], app: true },
  'template.write': { roles: ['super_admin', 'system_admin', 'template_admin'], app: true },
  'contract.read': { roles: [...ENTERPRISE_ROLES], app: true },
  'contract.send': { roles: [...ENTERPRISE_ROLES], app: true },
  'contract.manage': { roles: ['super_admin', 'system_admin'], app: true },
  'app.manage': { roles: ['super_admin', 'system_admin'], app: false },
  'webhook.manage': { roles: ['super_admin', 'system_admin'], app: true },
  'audit.read': { roles: ['super_admin', 'system_admin'], app: true },
};

const member = (role: EnterpriseRole, enterpriseId = 'ent_a'): Actor => ({ kind: 'member', userId: 'usr_1', enterpriseId, roles: [role] });
const app = (enterpriseId = 'ent_a'): Actor => ({ kind: 'app', appId: 'app_1', enterpriseId });

describe('directory/permissions', () => {
  it('lists every action of the table exactly once, each with a doc', () => {
    assert.deepEqual([...ACTIONS].sort(), Object.keys(EXPECTED).sort());
    for (const a of ACTIONS) assert.ok(PERMISSIONS[a].doc.length > 10, a);
  });

  for (const action of Object.keys(EXPECTED) as Action[]) {
    describe(action, () => {
      const want = EXPECTED[action];
      const tenantless = PERMISSIONS[action].anyPerson;
      for (const role of ENTERPRISE_ROLES) {
        const allowed = want.roles.includes(role);
        it(`${allowed ? 'allows' : 'refuses'} a ${role} of the same enterprise${tenantless ? '' : ', and refuses one of another'}`, () => {
          assert.equal(can(member(role), action, tenantless ? {} : { enterpriseId: 'ent_a' }), allowed);
          if (!tenantless) {
            assert.equal(can(member(role, 'ent_b'), action, { enterpriseId: 'ent_a' }), false);
            if (!allowed) assert.throws(() => assertCan(member(role), action, { enterpriseId: 'ent_a' }), (e) => isSignetError(e, 'FORBIDDEN') && e.message.includes(action));
            assert.throws(() => assertCan(member(role, 'ent_b'), action, { enterpriseId: 'ent_a' }), (e) => isSignetError(e, 'NOT_FOUND'));
          }
        });
      }
      it(`${want.app ? 'allows' : 'refuses'} an app of the same enterprise, refuses one of another, and allows Signet itself`, () => {
        assert.equal(can(app(), action, { enterpriseId: 'ent_a' }), want.app);
        assert.equal(can(app('ent_b'), action, { enterpriseId: 'ent_a' }), false);
        assert.equal(can({ kind: 'system', reason: 'test' }, action, { enterpriseId: 'ent_a' }), true);
      });
      it('refuses a signing-link holder and, for tenant actions, an external person and a resource with no enterprise', () => {
        assert.equal(can({ kind: 'link', contractId: 'ct_1', signerId: 's1', linkId: 'l1' }, action, { enterpriseId: 'ent_a' }), false);
        if (!tenantless) {
          assert.equal(can({ kind: 'person', userId: 'usr_9' }, action, { enterpriseId: 'ent_a' }), false);
          assert.equal(can(member('super_admin'), action, {}), false);
        } else {
          assert.equal(can({ kind: 'person', userId: 'usr_9' }, action), true);
        }
      });
    });
  }

  describe('group control', () => {
    const sub = { enterpriseId: 'ent_sub', ancestors: ['ent_hq', 'ent_group'] };

    it('lets headquarters\' seal admins and apps read a subsidiary\'s seal ledger, at any depth', () => {
      assert.equal(can(member('seal_admin', 'ent_hq'), 'seal.ledger.read', sub), true);
      assert.equal(can(member('super_admin', 'ent_group'), 'seal.ledger.read', sub), true);
      assert.equal(can(app('ent_hq'), 'seal.ledger.read', sub), true);
      assert.equal(can(member('member', 'ent_hq'), 'seal.ledger.read', sub), false);
    });

    it('does not let a subsidiary read headquarters\' ledger, nor a stranger, nor headquarters act on anything else', () => {
      assert.equal(can(member('super_admin', 'ent_sub'), 'seal.ledger.read', { enterpriseId: 'ent_hq', ancestors: ['ent_group'] }), false);
      assert.equal(can(member('super_admin', 'ent_stranger'), 'seal.ledger.read', sub), false);
      for (const a of ACTIONS.filter((x) => !PERMISSIONS[x].group && !PERMISSIONS[x].anyPerson)) {
        assert.equal(can(member('super_admin', 'ent_hq'), a, sub), false, a);
      }
    });
  });
});

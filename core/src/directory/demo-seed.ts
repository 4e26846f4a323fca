/**
 * The demo data `npm start` creates on an empty installation: one enterprise, its admin with a known
 * login, and two members. Everything is fixed, so the printed demo login is always the same. The
 * numbers pass their check digits but belong to no one (see `identity/samples.ts`).
 */
import { SignetError } from '../errors.js';
import { sandboxMicroTransfer } from '../identity/sandbox-identity-provider.js';
import type { RealNameService } from '../identity/real-name-service.js';
import type { SigningPasswordService } from '../identity/signing-password-service.js';
import type { Actor, EnterpriseRole } from './actor.js';
import type { Directory, EnterpriseView, UserView } from './directory.js';

/** One demo person. */
export interface DemoPerson {
  name: string;
  mobile: string;
  idNumber: string;
  roles: EnterpriseRole[];
}

/**
 * The demo data. Log in to the console with `admin.mobile` and `admin.password`
 * (13800138000 / Signet@2026); the members use the same password. The admin's signing password
 * is `admin.signingPassword` (135790).
 */
export const DEMO_SEED = Object.freeze({
  enterprise: Object.freeze({
    name: '上海签盟示例科技有限公司',
    /** `sampleUscc(2026)`. */
    uscc: '914403056A12186188',
    legalRepresentative: '王演示',
    account: Object.freeze({ accountName: '上海签盟示例科技有限公司', accountNumber: '6222020200112233', bankName: '中国工商银行上海分行' }),
  }),
  admin: Object.freeze({
    name: '王演示', mobile: '13800138000', idNumber: '310104198910016184', roles: ['super_admin'] as EnterpriseRole[],
    password: 'Signet@2026', signingPassword: '135790',
  }),
  members: Object.freeze([
    Object.freeze({ name: '李印章', mobile: '13800138001', idNumber: '330106196810294125', roles: ['seal_admin'] as EnterpriseRole[] }),
    Object.freeze({ name: '赵成员', mobile: '13800138002', idNumber: '420106196908143511', roles: ['member'] as EnterpriseRole[] }),
  ]) as readonly DemoPerson[],
});

/** What {@link seedDemo} made or found. */
export interface DemoSeedResult {
  enterprise: EnterpriseView;
  admin: UserView;
  members: UserView[];
  /** False when the demo data were there already (nothing was changed). */
  created: boolean;
  /** The login to print: `13800138000 / Signet@2026`. */
  login: { mobile: string; password: string };
}

/** What the seed needs; `realName` and `passwords` are optional. */
export interface DemoSeedDeps {
  directory: Directory;
  /**
   * When given, the demo people pass real-name verification by face and the enterprise by
   * micro-transfer, reporting the amount the sandbox sent: it must use the SandboxIdentityProvider.
   */
  realName?: RealNameService;
  /** When given, the admin gets the demo signing password. */
  passwords?: SigningPasswordService;
}

const SEED: Actor = { kind: 'system', reason: 'demo seed' };

/**
 * Creates the demo enterprise, admin and members ({@link DEMO_SEED}) when the admin's mobile number
 * has no account yet; otherwise returns what is there and changes nothing. Deterministic: the same
 * data and login every time.
 */
export async function seedDemo(deps: DemoSeedDeps): Promise<DemoSeedResult> {
  const dir = deps.directory;
  const d = DEMO_SEED;
  const login = { mobile: d.admin.mobile, password: d.admin.password };
  const existing = await dir.findUserByMobile(d.admin.mobile);
  if (existing) {
    const enterprise = await dir.findEnterpriseByUscc(d.enterprise.uscc);
    if (!enterprise) throw new SignetError('INTERNAL', 'The demo admin exists but the demo enterprise does not; remove the data directory to seed again');
    const members = (await Promise.all(d.members.map((m) => dir.findUserByMobile(m.mobile)))).filter((u): u is UserView => !!u);
    return { enterprise, admin: existing, members, created: false, login };
  }

  const admin = await dir.createUser({ mobile: d.admin.mobile, name: d.admin.name, loginPassword: d.admin.password }, SEED);
  let enterprise = await dir.createEnterprise(SEED, { name: d.enterprise.name, uscc: d.enterprise.uscc, legalRepresentative: d.enterprise.legalRepresentative, ownerUserId: admin.id });
  const members: UserView[] = [];
  for (const m of d.members) {
    const u = await dir.createUser({ mobile: m.mobile, name: m.name, loginPassword: d.admin.password }, SEED);
    await dir.addMember(SEED, enterprise.id, u.id, m.roles);
    members.push(u);
  }
  if (deps.passwords) await deps.passwords.set(SEED, admin.id, d.admin.signingPassword);
  if (deps.realName) {
    for (const [u, p] of [[admin, d.admin], ...members.map((u, i) => [u, d.members[i]] as const)] as const) {
      await deps.realName.startPersonVerification(SEED, u.id, { name: p.name, idNumber: p.idNumber, method: 'face', faceToken: 'sandbox-demo-face' });
    }
    const v = await deps.realName.startEnterpriseVerification(SEED, enterprise.id, { method: 'micro_transfer', account: { ...d.enterprise.account } });
    await deps.realName.confirmMicroTransfer(SEED, v.id, sandboxMicroTransfer(d.enterprise.uscc, d.enterprise.account.accountNumber));
    enterprise = (await dir.getEnterprise(enterprise.id))!;
  }
  const fresh = async (u: UserView) => (await dir.getUser(u.id))!;
  return { enterprise, admin: await fresh(admin), members: await Promise.all(members.map(fresh)), created: true, login };
}

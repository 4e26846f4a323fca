/**
 * The identity bureau behind real-name verification (实名认证): the sandbox by default
 * (`identity/sandbox-identity-provider.ts`), an HTTP adapter in the server. Callers validate formats and
 * check digits before asking; a provider answers whether the data match the authoritative records.
 */

/** A person's identity claim. */
export interface PersonIdentity {
  name: string;
  /** Resident ID number (GB 11643). */
  idNumber: string;
  /** Mobile number, for `phone3` and `bank4` (the bank's reserved mobile). */
  mobile?: string;
  /** Bank card number, for `bank4`. */
  bankCard?: string;
  /** A liveness-and-compare token from a face SDK, for `face`. */
  faceToken?: string;
}

/** An organization's identity claim. */
export interface OrganizationIdentity {
  name: string;
  /** Unified social credit code (统一社会信用代码, GB 32100). */
  uscc: string;
  /** The legal representative's name (法定代表人). */
  legalRepresentative?: string;
  /** The legal representative's ID number, for `legal_rep_phone`. */
  legalRepIdNumber?: string;
  /** The legal representative's mobile number, for `legal_rep_phone`. */
  legalRepMobile?: string;
}

/**
 * How a person is checked:
 * - `id2`: name + ID number (二要素);
 * - `phone3`: name + ID number + mobile, against the carrier (运营商三要素);
 * - `bank4`: name + ID number + bank card + the bank's reserved mobile (银行卡四要素);
 * - `face`: a liveness check compared with the ID photo (人脸识别).
 */
export type PersonCheckMethod = 'id2' | 'phone3' | 'bank4' | 'face';

/**
 * How an organization is checked:
 * - `org3`: name + USCC + legal representative's name, against the business register (企业三要素);
 * - `legal_rep_phone`: the legal representative's name + ID number + mobile, who must be the
 *   registered legal representative of the USCC (法定代表人手机号).
 */
export type OrganizationCheckMethod = 'org3' | 'legal_rep_phone';

/** The outcome of a real-name check. Outcomes are values, not errors. */
export interface IdentityCheckResult {
  ok: boolean;
  /** Which check ran. */
  method: PersonCheckMethod | OrganizationCheckMethod;
  /** Why it failed, when it failed (zh-CN, then English; never echoes the data). */
  reason?: string;
  /** The provider's reference for the check, kept as evidence. */
  reference?: string;
}

/** A corporate bank account (对公账户) for a micro-transfer. */
export interface CorporateAccount {
  /** The account name; it must be the organization's name. */
  accountName: string;
  accountNumber: string;
  bankName: string;
  /** Branch (开户支行), when the bank needs it. */
  branchName?: string;
}

/**
 * A micro-transfer (对公打款) the provider made, or why it could not. Signet keeps only a keyed digest
 * of the amount and remark, and compares what the applicant reports back.
 */
export interface MicroTransferResult {
  ok: boolean;
  reason?: string;
  /** The provider's transfer reference. */
  reference?: string;
  /** The amount sent, in fen (0.01 CNY), 1–99. */
  amountFen?: number;
  /** The remark code (附言) written on the transfer. */
  remark?: string;
}

/** Real-name verification against an identity bureau (sandbox by default). */
export interface IdentityProvider {
  /** Checks a person with the given method. */
  verifyPerson(identity: PersonIdentity, method: PersonCheckMethod): Promise<IdentityCheckResult>;
  /** Checks an organization with the given method. */
  verifyOrganization(identity: OrganizationIdentity, method: OrganizationCheckMethod): Promise<IdentityCheckResult>;
  /** Sends a random small amount with a remark code to the organization's corporate account. */
  startMicroTransfer(organization: OrganizationIdentity, account: CorporateAccount): Promise<MicroTransferResult>;
}

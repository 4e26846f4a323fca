/** A person's identity claim. */
export interface PersonIdentity {
  name: string;
  idNumber: string;
  mobile?: string;
  bankCard?: string;
}

/** An organization's identity claim. */
export interface OrganizationIdentity {
  name: string;
  /** Unified social credit code (统一社会信用代码, GB 32100). */
  uscc: string;
  legalRepresentative?: string;
}

/** The outcome of a real-name check. Outcomes are values, not errors. */
export interface IdentityCheckResult {
  ok: boolean;
  /** Which check ran, e.g. `id2` (name + ID), `phone3`, `bank4`, `face`, `uscc`. */
  method: string;
  /** Why it failed, when it failed. */
  reason?: string;
}

/** Real-name verification against an identity bureau (sandbox by default). */
export interface IdentityProvider {
  /** Checks a person with the given method. */
  verifyPerson(identity: PersonIdentity, method: string): Promise<IdentityCheckResult>;
  /** Checks an organization with the given method. */
  verifyOrganization(identity: OrganizationIdentity, method: string): Promise<IdentityCheckResult>;
}

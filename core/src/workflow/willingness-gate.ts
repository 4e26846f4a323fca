/**
 * The seam between the workflow and the identity module's willingness checks (意愿认证): the
 * identity module verifies an SMS OTP, a signing password or a face, and records a proof; the
 * workflow consumes that proof for exactly one signature (DESIGN §1, condition 2).
 */

/** A successful willingness check, as the identity module records it. */
export interface WillingnessEvidence { id: string; subjectUserId: string; method: 'sms_otp' | 'password' | 'face'; verifiedAt: Date; /** contracts this one check covers (a bundle) */ contractIds: string[] }
/** Consumes a willingness proof for one signature: single-use per contract, bound to the signer, expiring. */
export interface WillingnessGate {
  consume(proofId: string, expect: { userId: string; contractId: string }): Promise<WillingnessEvidence>;
}

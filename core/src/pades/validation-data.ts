import type { ValidationData } from '../pdf/dss.js';

/**
 * Supplies the certificates, CRLs and OCSP responses that prove certificates unrevoked, for the DSS
 * of PAdES B-LT. The embedded PKI answers from its own registry; an HTTP provider could fetch them
 * from the CRL distribution points and OCSP URLs of external certificates.
 */
export interface ValidationDataProvider {
  /** Returns validation data for each chain (leaf first; the trust anchor may be included). */
  collect(chains: Uint8Array[][]): Promise<ValidationData>;
}

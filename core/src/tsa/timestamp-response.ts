/**
 * RFC 3161 §2.4.2 TimeStampResp: PKIStatusInfo (RFC 3161 §2.4.2 / RFC 4210 §5.2.3) and the token.
 */
import { SignetError } from '../errors.js';
import { children, content, decodeSmallInteger, DerError, expect, raw, readNode, TAG, tlv } from '../cms/der.js';

/** PKIStatus values (RFC 3161 §2.4.2). */
export const PKI_STATUS = {
  granted: 0,
  grantedWithMods: 1,
  rejection: 2,
  waiting: 3,
  revocationWarning: 4,
  revocationNotification: 5,
} as const;

/** PKIFailureInfo bit numbers (RFC 3161 §2.4.2). */
export const FAILURE_INFO = {
  badAlg: 0,
  badRequest: 2,
  badDataFormat: 5,
  timeNotAvailable: 14,
  unacceptedPolicy: 15,
  unacceptedExtension: 16,
  addInfoNotAvailable: 17,
  systemFailure: 25,
} as const;

/** A PKIFailureInfo name. */
export type FailureInfo = keyof typeof FAILURE_INFO;

/** A decoded TimeStampResp. */
export interface ParsedTimestampResponse {
  /** The PKIStatus: 0 granted, 1 grantedWithMods, 2 rejection, ... */
  status: number;
  /** The statusString texts, joined with '; '. */
  statusText?: string;
  /** The names of the PKIFailureInfo bits set, comma-separated (e.g. 'badAlg'). */
  failInfo?: string;
  /** The TimeStampToken, a DER ContentInfo (a view into the response). */
  token?: Uint8Array;
}

/** Encodes a named-bit BIT STRING with one bit set, trailing zero bits removed (X.690 §11.2.2). */
function failInfoBits(bit: number): Uint8Array {
  const bytes = new Uint8Array(Math.floor(bit / 8) + 1);
  bytes[bytes.length - 1] = 0x80 >> bit % 8;
  return tlv(TAG.BIT_STRING, Uint8Array.of(7 - (bit % 8)), bytes);
}

const GRANTED = tlv(TAG.SEQUENCE, Uint8Array.of(TAG.INTEGER, 1, 0));

/** Encodes a granted TimeStampResp holding `token` (RFC 3161 §2.4.2). */
export function grantedResponse(token: Uint8Array): Uint8Array {
  return tlv(TAG.SEQUENCE, GRANTED, token);
}

/** Encodes a rejection TimeStampResp with a failure reason and a human-readable text (RFC 3161 §2.4.2). */
export function rejectionResponse(failInfo: FailureInfo, text: string): Uint8Array {
  const statusString = tlv(TAG.SEQUENCE, tlv(TAG.UTF8_STRING, Buffer.from(text, 'utf8')));
  const statusInfo = tlv(TAG.SEQUENCE, Uint8Array.of(TAG.INTEGER, 1, PKI_STATUS.rejection), statusString, failInfoBits(FAILURE_INFO[failInfo]));
  return tlv(TAG.SEQUENCE, statusInfo);
}

/**
 * Decodes a DER TimeStampResp (RFC 3161 §2.4.2). It does not judge the status: callers check
 * `status` (0 or 1 mean a token is present). Throws SignetError TSA_FAILED when the bytes are not a
 * TimeStampResp.
 */
export function parseTimestampResponse(der: Uint8Array): ParsedTimestampResponse {
  try {
    const resp = expect(der, readNode(der, 0), TAG.SEQUENCE, 'TimeStampResp');
    const [statusInfo, tokenNode] = children(der, resp);
    const s = children(der, expect(der, statusInfo, TAG.SEQUENCE, 'PKIStatusInfo'));
    const out: ParsedTimestampResponse = { status: decodeSmallInteger(der, expect(der, s[0], TAG.INTEGER, 'status')) };
    for (let i = 1; i < s.length; i++) {
      if (s[i].tag === TAG.SEQUENCE) {
        out.statusText = children(der, s[i])
          .map((t) => Buffer.from(content(der, t)).toString('utf8'))
          .join('; ');
      } else if (s[i].tag === TAG.BIT_STRING) {
        const bits = content(der, s[i]).subarray(1);
        const names = (Object.keys(FAILURE_INFO) as FailureInfo[]).filter((n) => {
          const b = FAILURE_INFO[n];
          return (bits[b >> 3] ?? 0) & (0x80 >> b % 8);
        });
        out.failInfo = names.join(',') || 'unknown';
      }
    }
    if (tokenNode) out.token = raw(der, expect(der, tokenNode, TAG.SEQUENCE, 'timeStampToken'));
    return out;
  } catch (e) {
    if (!(e instanceof DerError)) throw e;
    throw new SignetError('TSA_FAILED', `The timestamp response is malformed (${e.message}). Check that the TSA URL serves RFC 3161 responses.`);
  }
}

/**
 * Signet's own RFC 3161 time-stamping authority: issues TimeStampTokens and answers
 * TimeStampReqs. Everything that depends only on the TSA's certificate is encoded once, so issuing
 * a token is one TSTInfo encoding, one SHA-256 and one private-key signature.
 */
import { createHash, createPublicKey, randomBytes, sign, type KeyObject } from 'node:crypto';
import { SignetError } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import { systemClock } from '../ports/clock.js';
import { certificateInfo, extendedKeyUsage } from '../cms/certificate-info.js';
import { bytesEqual, concat, generalizedTime, oid, smallInteger, TAG, tlv, unsignedInteger } from '../cms/der.js';
import { OID } from '../cms/oids.js';
import {
  contentTypeAttribute,
  digestAlgId,
  encodeSignedDataContentInfo,
  encodeSignerInfo,
  messageDigestAttribute,
  signatureAlgId,
  signedAttributesSet,
  signerIdentity,
  VERSION_3,
  type SignerKeyType,
} from '../cms/signed-data-encoder.js';
import { messageImprint, parseTimestampRequest, requireHash, type ParsedTimestampRequest } from './timestamp-request.js';
import { grantedResponse, rejectionResponse } from './timestamp-response.js';

/**
 * The default TSA policy: a placeholder under the private enterprise arc 1.3.6.1.4.1.99999 (not a
 * registered number). Deployments that publish a TSA policy pass their own OID.
 */
export const DEFAULT_TSA_POLICY = '1.3.6.1.4.1.99999.1.1';

/** Options of {@link TimestampAuthority}. */
export interface TimestampAuthorityOptions {
  /** The TSA certificate, DER; it must have a critical extended key usage timeStamping (RFC 3161 §2.3). */
  certificate: Uint8Array;
  /** The TSA's private key (RSA or EC P-256/P-384), matching `certificate`. */
  privateKey: KeyObject;
  /** Intermediate certificates up to (not including) the trust anchor, DER. */
  chain?: Uint8Array[];
  clock?: Clock;
  /** The TSA policy OID put in every TSTInfo (default {@link DEFAULT_TSA_POLICY}). */
  policyOid?: string;
  /** The accuracy claimed in every TSTInfo, in ms (default 1000; 0 omits it). */
  accuracyMs?: number;
  /** Makes serial numbers (unsigned big-endian; default 16 random bytes, unique with overwhelming probability). */
  serialNumber?: () => Uint8Array;
}

/** Options of {@link TimestampAuthority.issueToken}. */
export interface IssueTokenOptions {
  /** The requester's nonce (unsigned big-endian), echoed in the TSTInfo. */
  nonce?: Uint8Array;
  /** Include the TSA certificate (and chain) in the token (default true). */
  certReq?: boolean;
}

const VERSION_1 = Uint8Array.of(TAG.INTEGER, 1, 1);
const ENCAP_PREFIX = oid(OID.tstInfo);
const CONTENT_TYPE_TSTINFO = contentTypeAttribute(OID.tstInfo);

/** An RFC 3161 time-stamping authority holding its own key. */
export class TimestampAuthority {
  /** The policy OID of issued tokens. */
  readonly policyOid: string;
  /** The TSA certificate, DER. */
  readonly certificate: Uint8Array;
  private readonly privateKey: KeyObject;
  private readonly keyType: SignerKeyType;
  private readonly clock: Clock;
  private readonly nextSerial: () => Uint8Array;
  private readonly policyDer: Uint8Array;
  private readonly accuracyDer?: Uint8Array;
  private readonly sid: Uint8Array;
  private readonly essAttribute: Uint8Array;
  private readonly certificatesContent: Uint8Array;
  private readonly signatureAlgId: Uint8Array;

  /**
   * Creates the authority and pre-encodes its constant parts. Throws CERT_INVALID when the
   * certificate is unreadable or lacks a critical timeStamping EKU (RFC 3161 §2.3),
   * INVALID_ARGUMENT when the key does not match it, KEY_UNSUPPORTED for other key types.
   */
  constructor(opts: TimestampAuthorityOptions) {
    this.certificate = opts.certificate;
    const info = certificateInfo(opts.certificate);
    const eku = extendedKeyUsage(opts.certificate);
    if (!eku || !eku.critical || !eku.purposes.includes(OID.kpTimeStamping)) {
      throw new SignetError(
        'CERT_INVALID',
        'The TSA certificate must carry a critical extended key usage timeStamping (RFC 3161 §2.3). Issue a TSA certificate with it.',
      );
    }
    if (opts.privateKey?.type !== 'private') {
      throw new SignetError('INVALID_ARGUMENT', 'privateKey must be a private KeyObject (crypto.createPrivateKey).');
    }
    const type = opts.privateKey.asymmetricKeyType;
    if (type === 'rsa') this.keyType = 'rsa';
    else if (type === 'ec') this.keyType = 'ec';
    else throw new SignetError('KEY_UNSUPPORTED', `A ${String(type)} TSA key is not supported. Use an RSA or EC P-256 key.`);
    const publicSpki = createPublicKey(opts.privateKey).export({ type: 'spki', format: 'der' });
    if (!bytesEqual(publicSpki, info.spkiDer)) {
      throw new SignetError('INVALID_ARGUMENT', 'The TSA private key does not match the TSA certificate. Pass the key the certificate was issued for.');
    }
    this.privateKey = opts.privateKey;
    this.clock = opts.clock ?? systemClock;
    this.nextSerial = opts.serialNumber ?? (() => randomBytes(16));
    this.policyOid = opts.policyOid ?? DEFAULT_TSA_POLICY;
    this.policyDer = oid(this.policyOid);
    const accuracy = opts.accuracyMs ?? 1000;
    if (accuracy > 0) {
      const seconds = Math.floor(accuracy / 1000);
      const millis = Math.round(accuracy % 1000);
      const millisDer = millis ? smallInteger(millis) : undefined;
      if (millisDer) millisDer[0] = 0x80; // millis [0] IMPLICIT INTEGER (1..999)
      this.accuracyDer = tlv(TAG.SEQUENCE, seconds ? smallInteger(seconds) : undefined, millisDer);
    }
    const identity = signerIdentity(opts.certificate);
    this.sid = identity.sid;
    this.essAttribute = identity.essAttribute;
    this.certificatesContent = concat(opts.certificate, ...(opts.chain ?? []));
    this.signatureAlgId = signatureAlgId(this.keyType, 'sha256');
  }

  /**
   * Issues a TimeStampToken (RFC 3161 §2.4.2) for `messageImprint` hashed with `alg`: a ContentInfo
   * holding SignedData v3 over a TSTInfo v1 (policy, messageImprint, serialNumber, genTime with
   * milliseconds, accuracy, nonce), signed attributes content-type id-ct-TSTInfo, message-digest and
   * signing-certificate-v2 (RFC 5035), and the TSA certificate when `certReq` (default true).
   * Throws INVALID_ARGUMENT for an unknown algorithm or a digest of the wrong length.
   */
  issueToken(messageImprintDigest: Uint8Array, alg: 'sha256' | 'sha384' | 'sha512' | 'sha1', opts: IssueTokenOptions = {}): Uint8Array {
    const hash = requireHash(alg, messageImprintDigest);
    return this.issue(messageImprint(hash, messageImprintDigest), opts.nonce ? unsignedInteger(opts.nonce) : undefined, opts.certReq !== false);
  }

  /**
   * Answers a DER TimeStampReq with a DER TimeStampResp (RFC 3161 §2.4.2): granted with a token, or
   * rejection with failInfo badDataFormat (unreadable request, wrong digest length), badAlg (unknown
   * hash), unacceptedPolicy (another policy), unacceptedExtension (any extension) or systemFailure.
   * Never throws for a bad request.
   */
  respond(requestDer: Uint8Array): Uint8Array {
    let req: ParsedTimestampRequest;
    try {
      req = parseTimestampRequest(requestDer);
    } catch {
      return rejectionResponse('badDataFormat', 'The request is not a DER TimeStampReq (RFC 3161 §2.4.1).');
    }
    if (req.version !== 1) return rejectionResponse('badDataFormat', `The request version ${req.version} is not supported; send version 1.`);
    if (!req.hash) return rejectionResponse('badAlg', `The hash algorithm ${req.hashAlgorithm} is not supported; use SHA-256, SHA-384 or SHA-512.`);
    try {
      requireHash(req.hash, req.hashedMessage);
    } catch {
      return rejectionResponse('badDataFormat', `The hashed message length does not match ${req.hash}.`);
    }
    if (req.policy && req.policy !== this.policyOid) return rejectionResponse('unacceptedPolicy', `Only policy ${this.policyOid} is offered.`);
    if (req.hasExtensions) return rejectionResponse('unacceptedExtension', 'Request extensions are not supported.');
    let token: Uint8Array;
    try {
      token = this.issue(req.messageImprintDer, req.nonceDer, req.certReq);
    } catch {
      return rejectionResponse('systemFailure', 'The time-stamping authority could not sign the token.');
    }
    return grantedResponse(token);
  }

  private issue(messageImprintDer: Uint8Array, nonceDer: Uint8Array | undefined, certReq: boolean): Uint8Array {
    const tstInfo = tlv(
      TAG.SEQUENCE,
      VERSION_1,
      this.policyDer,
      messageImprintDer,
      unsignedInteger(this.nextSerial()),
      generalizedTime(this.clock.now()),
      this.accuracyDer,
      nonceDer,
    );
    const signedAttrsSet = signedAttributesSet([
      CONTENT_TYPE_TSTINFO,
      messageDigestAttribute(createHash('sha256').update(tstInfo).digest()),
      this.essAttribute,
    ]);
    const signature = sign('sha256', signedAttrsSet, this.privateKey);
    const signerInfo = encodeSignerInfo({
      sid: this.sid,
      digestAlgId: digestAlgId('sha256'),
      signedAttrsSet,
      signatureAlgId: this.signatureAlgId,
      signature,
    });
    return encodeSignedDataContentInfo({
      version: VERSION_3, // eContentType is not id-data (RFC 5652 §5.1)
      digestAlgId: digestAlgId('sha256'),
      encapContentInfo: tlv(TAG.SEQUENCE, ENCAP_PREFIX, tlv(0xa0, tlv(TAG.OCTET_STRING, tstInfo))),
      certificatesContent: certReq ? this.certificatesContent : undefined,
      signerInfo,
    });
  }
}

/**
 * PEM armour (RFC 7468) for certificates, CRLs and keys.
 */
import { SignetError } from '../errors.js';

const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;

/**
 * Decodes every PEM block in `pem` (RFC 7468 §2), in order. Throws CERT_INVALID when there is
 * none, so a caller never mistakes an empty file for an empty chain.
 */
export function pemToDer(pem: string): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const m of pem.matchAll(BLOCK)) {
    const body = m[2].replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(body)) {
      throw new SignetError('CERT_INVALID', `The PEM block "${m[1]}" is not valid base64. Re-export the file.`);
    }
    out.push(new Uint8Array(Buffer.from(body, 'base64')));
  }
  if (out.length === 0) {
    throw new SignetError('CERT_INVALID', 'No PEM block found (expected "-----BEGIN CERTIFICATE-----"). Provide a PEM file.');
  }
  return out;
}

/** Encodes DER as PEM with 64-character lines (RFC 7468 §2); the label defaults to CERTIFICATE. */
export function derToPem(der: Uint8Array, label = 'CERTIFICATE'): string {
  const b64 = Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString('base64');
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** Accepts DER bytes or a PEM string and returns the DER of the first block. */
export function toDer(input: Uint8Array | string): Uint8Array {
  return typeof input === 'string' ? pemToDer(input)[0] : input;
}

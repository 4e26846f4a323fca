/**
 * Lark/Feishu event-subscription crypto, as the open platform documents it ("接收事件 / 安全校验",
 * open.feishu.cn `event-subscription-configure-/encrypt-key-encryption-configuration-case`):
 *
 * - **Encryption.** With an Encrypt Key configured, the body is `{"encrypt": "<base64>"}`, where the
 *   base64 holds a 16-byte IV followed by the AES-256-CBC ciphertext (PKCS#7 padding) of the JSON
 *   event, under the key SHA-256(encrypt key).
 * - **Signature.** `X-Lark-Signature` is the lower-case hex SHA-256 of
 *   `X-Lark-Request-Timestamp + X-Lark-Request-Nonce + encrypt key + raw body bytes`. The URL
 *   challenge (`url_verification`) is not signed.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { SignetError } from '@signet/core';

/** The request headers Lark signs events with (lower case, as node reports them). */
export const LARK_HEADERS = {
  timestamp: 'x-lark-request-timestamp',
  nonce: 'x-lark-request-nonce',
  signature: 'x-lark-signature',
} as const;

const keys = new Map<string, Buffer>();

/** The AES key of an encrypt key, SHA-256(encrypt key), derived once per process. */
function aesKey(encryptKey: string): Buffer {
  let k = keys.get(encryptKey);
  if (!k) {
    k = createHash('sha256').update(encryptKey, 'utf8').digest();
    if (keys.size > 64) keys.clear();
    keys.set(encryptKey, k);
  }
  return k;
}

/** Encrypts a JSON event the way Lark does: base64(IV ‖ AES-256-CBC(SHA-256(key), IV, plaintext)). */
export function larkEncrypt(plaintext: string, encryptKey: string, iv: Uint8Array = randomBytes(16)): string {
  const cipher = createCipheriv('aes-256-cbc', aesKey(encryptKey), iv);
  return Buffer.concat([Buffer.from(iv), cipher.update(plaintext, 'utf8'), cipher.final()]).toString('base64');
}

/** Decrypts the `encrypt` field of a Lark event; OA_EVENT_INVALID when it does not decrypt. */
export function larkDecrypt(encrypt: string, encryptKey: string): string {
  const raw = Buffer.from(encrypt, 'base64');
  if (raw.length < 32 || raw.length % 16 !== 0) throw invalidEvent('encrypt 字段不是 AES-256-CBC 密文', 'the encrypt field is not AES-256-CBC data');
  try {
    const decipher = createDecipheriv('aes-256-cbc', aesKey(encryptKey), raw.subarray(0, 16));
    return Buffer.concat([decipher.update(raw.subarray(16)), decipher.final()]).toString('utf8');
  } catch {
    throw invalidEvent('无法用配置的 Encrypt Key 解密', 'the event does not decrypt with the configured encrypt key');
  }
}

/** The `X-Lark-Signature` of a request: hex SHA-256(timestamp + nonce + encrypt key + raw body). */
export function larkSignature(timestamp: string, nonce: string, encryptKey: string, body: Uint8Array | string): string {
  return createHash('sha256').update(timestamp + nonce + encryptKey, 'utf8').update(body).digest('hex');
}

/** True when `signature` is the Lark signature of the request (compared in constant time). */
export function verifyLarkSignature(timestamp: string, nonce: string, encryptKey: string, body: Uint8Array, signature: string): boolean {
  if (!/^[0-9a-f]{64}$/i.test(signature)) return false;
  const want = Buffer.from(larkSignature(timestamp, nonce, encryptKey, body), 'hex');
  return timingSafeEqual(want, Buffer.from(signature.toLowerCase(), 'hex'));
}

/** An OA_EVENT_INVALID error whose message says what to check. */
export function invalidEvent(zh: string, en: string): SignetError {
  return new SignetError('OA_EVENT_INVALID', `事件校验失败：${zh}。请核对连接器配置的密钥。The event was refused: ${en}. Check the keys configured for the connector.`);
}

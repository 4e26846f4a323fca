/**
 * Encrypts single fields of a record (ID numbers, bank cards) so that a stolen metadata file
 * reveals no PII. The server implements it with SM4 (GB/T 32907) under a key wrapped by the master
 * key; a blind index lets records be found by the value without decrypting them.
 */
export interface FieldCipher {
  /** Encrypts `plain` for the field named `field` (the name binds the ciphertext to its use). */
  encrypt(plain: string, field: string): string;
  /** Decrypts what {@link encrypt} produced for the same field; throws SignetError INTERNAL on tampering. */
  decrypt(cipher: string, field: string): string;
  /** A keyed, deterministic digest of `plain` (HMAC), for unique keys and lookups by value. */
  blindIndex(plain: string, field: string): string;
}

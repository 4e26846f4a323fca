/**
 * A bounded, per-process cache of values derived from immutable byte strings (certificates, CRLs,
 * OCSP responses, OIDs), keyed by content rather than identity: the same CA certificate arrives as
 * a new byte array inside every signature, and hashing it with SHA-256 just to find it again costs
 * more than the lookup should.
 */
import { createHash } from 'node:crypto';

/** Inputs up to this size are keyed by their own bytes; larger ones by their SHA-256. */
const INLINE_KEY_LIMIT = 8192;

/** The exact cache key of `bytes`: the bytes themselves as latin1, or a SHA-256 for large inputs. */
export function contentKey(bytes: Uint8Array): string {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  return b.length <= INLINE_KEY_LIMIT ? b.toString('latin1') : `#${createHash('sha256').update(b).digest('hex')}`;
}

/** A least-recently-inserted bounded map from byte content to a derived value. */
export class ContentCache<V> {
  private readonly map = new Map<string, V>();
  // Callers that pass the same array again (trust anchors, a KeySigner's chain) skip the key build.
  private readonly byIdentity = new WeakMap<Uint8Array, V>();

  constructor(private readonly limit: number) {}

  /** The value cached for `bytes`, computing it with `make` on a miss. */
  get(bytes: Uint8Array, make: (key: string) => V): V {
    let v = this.byIdentity.get(bytes);
    if (v !== undefined) return v;
    const key = contentKey(bytes);
    v = this.map.get(key);
    if (v === undefined) {
      v = make(key);
      if (this.map.size >= this.limit) this.map.delete(this.map.keys().next().value!);
      this.map.set(key, v);
    }
    this.byIdentity.set(bytes, v);
    return v;
  }
}

/**
 * Distinguished names (RFC 5280 §4.1.2.4, X.520): building with the right string types and
 * reading back to a flat record.
 */
import { childrenOf, DerError, isUniversal, oid, printable, readOid, readString, seq, set, TAG, utf8, type Asn1, type DerNode } from './der.js';
import { ATTRIBUTE_NAMES, OID } from './oids.js';

/** One attribute of a name, in the order it appears (most significant first). */
export interface NameAttribute {
  type: 'C' | 'O' | 'CN' | 'serialNumber' | 'organizationIdentifier' | 'OU' | 'L' | 'ST';
  value: string;
}

const TYPE_OIDS: Record<NameAttribute['type'], string> = {
  C: OID.countryName,
  O: OID.organizationName,
  OU: OID.organizationalUnitName,
  CN: OID.commonName,
  L: OID.localityName,
  ST: OID.stateOrProvinceName,
  serialNumber: OID.serialNumber,
  organizationIdentifier: OID.organizationIdentifier,
};

/**
 * Encodes an RDNSequence with one attribute per RDN. countryName and serialNumber are
 * PrintableString (X.520); every other attribute is UTF8String, as RFC 5280 §4.1.2.6 requires for
 * text such as Chinese names.
 */
export function buildName(attrs: NameAttribute[]): Asn1 {
  return seq(
    ...attrs.map((a) => {
      const value = a.type === 'C' || a.type === 'serialNumber' ? printable(a.value) : utf8(a.value);
      return set(seq(oid(TYPE_OIDS[a.type]), value));
    }),
  );
}

/** A decoded name: attributes by short name (repeated attributes joined with ", ") and display text. */
export interface DecodedName {
  attributes: Record<string, string>;
  /** RFC 4514-style text, most specific first, e.g. `CN=张三, C=CN`. */
  text: string;
}

/** Decodes a Name; attribute types without a short name are keyed by their OID. */
export function readName(node: DerNode): DecodedName {
  if (!isUniversal(node, TAG.SEQUENCE)) throw new DerError('expected a Name');
  const attributes: Record<string, string> = {};
  const parts: string[] = [];
  for (const rdn of childrenOf(node)) {
    if (!isUniversal(rdn, TAG.SET)) throw new DerError('expected a RelativeDistinguishedName');
    for (const atv of childrenOf(rdn)) {
      const [typeNode, valueNode] = childrenOf(atv);
      const type = readOid(typeNode);
      if (!valueNode) throw new DerError('attribute without a value');
      const key = ATTRIBUTE_NAMES[type] ?? type;
      const value = readString(valueNode);
      attributes[key] = key in attributes ? `${attributes[key]}, ${value}` : value;
      parts.unshift(`${key}=${value}`);
    }
  }
  return { attributes, text: parts.join(', ') };
}

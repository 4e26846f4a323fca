/**
 * The stored shape of the directory: users, enterprises, memberships, invitations and external
 * contacts, each a {@link Collection} of a {@link RecordStore}. Records are compact and hold no
 * secret in clear text: mobile and ID numbers are encrypted field-wise with a blind index for
 * lookups, passwords and invitation tokens are hashed. Each record's shard is the subject whose
 * audit chain records its changes (a user, or an enterprise), so a change and its audit event are
 * written in one atomic batch.
 */
import type { Collection, RecordStore, StoredRecord } from '../ports/record-store.js';
import type { EnterpriseRole } from './actor.js';

/** Where a person's or an enterprise's real-name verification stands. */
export interface RealNameStatus {
  /** `pending` while an enterprise verification waits for a transfer or a review. */
  status: 'unverified' | 'pending' | 'verified';
  /** The method that passed, e.g. `phone3` or `micro_transfer`. */
  method?: string;
  /** ISO 8601 time it passed. */
  verifiedAt?: string;
  /** The identity verification record that passed. */
  verificationId?: string;
}

/** A saved handwritten signature or personal seal: a reference to an image or stroke blob. */
export interface SavedMark {
  id: string;
  kind: 'handwritten_signature' | 'personal_seal';
  /** BlobStore id of the image or stroke data. */
  blobId: string;
  label?: string;
  createdAt: string;
}

/** A person with an account. */
export interface UserRecord extends StoredRecord {
  /** The verified name once real-name verification passed, otherwise the name given at sign-up. */
  name?: string;
  /** Blind index of the normalised mobile number (unique: one account per mobile). */
  mobileIndex: string;
  /** The mobile number, encrypted (field `mobile`), to send messages. */
  mobileCipher: string;
  /** `185****5544`, for display and evidence. */
  mobileMasked: string;
  /** Blind index of the verified ID number (unique: one verified account per person). */
  idNumberIndex?: string;
  /** The verified ID number, encrypted (field `id_number`), for certificates. */
  idNumberCipher?: string;
  /** `1101**********002X`. */
  idNumberMasked?: string;
  realName: RealNameStatus;
  /** scrypt hash of the login password. */
  loginPasswordHash?: string;
  /** scrypt hash of the signing password (签署密码). */
  signingPasswordHash?: string;
  marks: SavedMark[];
  createdAt: string;
}

/** An enterprise: a tenant. */
export interface EnterpriseRecord extends StoredRecord {
  name: string;
  /** Unified social credit code, upper case (unique). Public register data, so kept in clear. */
  uscc: string;
  /** The legal representative's name (法定代表人). */
  legalRepresentative: string;
  /** The parent enterprise for group control (集团管控): it reads this enterprise's seal ledger. */
  parentId?: string;
  realName: RealNameStatus;
  createdBy: string;
  createdAt: string;
}

/** A user's membership of an enterprise, with roles. */
export interface MembershipRecord extends StoredRecord {
  enterpriseId: string;
  userId: string;
  roles: EnterpriseRole[];
  joinedAt: string;
}

/** An invitation to join an enterprise, sent to a mobile number. */
export interface InvitationRecord extends StoredRecord {
  enterpriseId: string;
  mobileIndex: string;
  mobileCipher: string;
  mobileMasked: string;
  name?: string;
  roles: EnterpriseRole[];
  /** SHA-256 (hex) of the invitation token; the token itself is only ever handed to the inviter once. */
  tokenHash: string;
  status: 'pending' | 'accepted' | 'revoked';
  invitedBy: string;
  createdAt: string;
  expiresAt: string;
  acceptedBy?: string;
  acceptedAt?: string;
}

/** Someone an enterprise signs with: an external person, or an external enterprise that needs review. */
export interface ExternalContactRecord extends StoredRecord {
  ownerEnterpriseId: string;
  kind: 'person' | 'enterprise';
  name: string;
  /** Person contacts: the mobile number, as for users. */
  mobileIndex?: string;
  mobileCipher?: string;
  mobileMasked?: string;
  /** Enterprise contacts: their USCC. */
  uscc?: string;
  /** Persons are `active`; enterprises go `pending` → `approved` | `rejected`. */
  status: 'active' | 'pending' | 'approved' | 'rejected';
  reviewedBy?: string;
  reviewedAt?: string;
  rejectReason?: string;
  createdBy: string;
  createdAt: string;
}

/** The directory's collections over one store. */
export interface DirectoryCollections {
  users: Collection<UserRecord>;
  enterprises: Collection<EnterpriseRecord>;
  memberships: Collection<MembershipRecord>;
  invitations: Collection<InvitationRecord>;
  contacts: Collection<ExternalContactRecord>;
}

const opened = new WeakMap<RecordStore, DirectoryCollections>();

/**
 * Opens the directory's collections on `store`, once per store (a RecordStore opens each name once
 * per process): `users` (unique mobile and ID number), `enterprises` (unique USCC, indexed by
 * parent), `memberships` (unique per enterprise and user), `invitations` (unique token hash) and
 * `external_contacts` (unique per owner and mobile or USCC).
 */
export function directoryCollections(store: RecordStore): DirectoryCollections {
  let c = opened.get(store);
  if (c) return c;
  c = {
    users: store.collection<UserRecord>({
      name: 'users',
      unique: { mobile: (u) => u.mobileIndex, idNumber: (u) => u.idNumberIndex },
    }),
    enterprises: store.collection<EnterpriseRecord>({
      name: 'enterprises',
      unique: { uscc: (e) => e.uscc },
      indexes: { parent: (e) => e.parentId },
    }),
    memberships: store.collection<MembershipRecord>({
      name: 'memberships',
      unique: { pair: (m) => `${m.enterpriseId}|${m.userId}` },
      indexes: { user: (m) => m.userId, enterprise: (m) => m.enterpriseId },
      shard: (m) => m.enterpriseId,
    }),
    invitations: store.collection<InvitationRecord>({
      name: 'invitations',
      unique: { token: (i) => i.tokenHash },
      indexes: { enterprise: (i) => i.enterpriseId },
      shard: (i) => i.enterpriseId,
    }),
    contacts: store.collection<ExternalContactRecord>({
      name: 'external_contacts',
      unique: {
        person: (c) => (c.kind === 'person' && c.mobileIndex ? `${c.ownerEnterpriseId}|${c.mobileIndex}` : undefined),
        enterprise: (c) => (c.kind === 'enterprise' && c.uscc ? `${c.ownerEnterpriseId}|${c.uscc}` : undefined),
      },
      indexes: { owner: (c) => c.ownerEnterpriseId },
      shard: (c) => c.ownerEnterpriseId,
    }),
  };
  opened.set(store, c);
  return c;
}

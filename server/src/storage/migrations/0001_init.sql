-- Signet schema version 1: the RecordStore tables, blobs, integrator nonces and job idempotency keys.
-- Applied once, in one transaction, by server/src/storage/pg-migrations.ts. Never edit an applied
-- migration: add 0002_….sql instead (the runner refuses a database whose applied files changed).
--
-- Identifiers and keys use the "C" collation, so that ordering is by code point, as in the
-- embedded store, whatever the database's locale.

-- One row per record. `data` is the record as JSON text, exactly as written (json, not jsonb: jsonb
-- would reorder object keys and refuse "\u0000", which the embedded store keeps). Nothing queries
-- inside `data`: lookups go through the key tables below.
CREATE TABLE records (
  collection text COLLATE "C" NOT NULL,
  id         text COLLATE "C" NOT NULL,
  version    integer NOT NULL CHECK (version >= 1),
  shard      text COLLATE "C" NOT NULL,
  data       json NOT NULL,
  PRIMARY KEY (collection, id)
);

-- Unique keys (CollectionSpec.unique): the primary key makes a second holder impossible.
CREATE TABLE record_unique_keys (
  collection text COLLATE "C" NOT NULL,
  name       text COLLATE "C" NOT NULL,
  key        text COLLATE "C" NOT NULL,
  id         text COLLATE "C" NOT NULL,
  PRIMARY KEY (collection, name, key)
);
CREATE INDEX record_unique_keys_by_record ON record_unique_keys (collection, id);

-- Multi-valued indexes (CollectionSpec.indexes): one row per (index, key, record), paged by id.
CREATE TABLE record_index_keys (
  collection text COLLATE "C" NOT NULL,
  name       text COLLATE "C" NOT NULL,
  key        text COLLATE "C" NOT NULL,
  id         text COLLATE "C" NOT NULL,
  PRIMARY KEY (collection, name, key, id)
);
CREATE INDEX record_index_keys_by_record ON record_index_keys (collection, id);

-- For each collection, a fingerprint of the key functions its key rows were built with. A process
-- whose CollectionSpec differs (a new index, a changed key function) rebuilds that collection's
-- key rows once, as the embedded store recomputes its in-memory index at every start.
CREATE TABLE record_collections (
  collection  text COLLATE "C" PRIMARY KEY,
  fingerprint text NOT NULL,
  built_at    timestamptz NOT NULL DEFAULT now()
);

-- Content-addressed blobs: `envelope` is the same encrypted container as a blob file of the
-- embedded store ("SGNB" v1: AES-256-GCM under a per-blob data key wrapped by the master key).
CREATE TABLE blobs (
  id         text COLLATE "C" PRIMARY KEY CHECK (id ~ '^[0-9a-f]{64}$'),
  size       bigint NOT NULL CHECK (size >= 0),
  envelope   bytea NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
-- Ciphertext does not compress: store it out of line without trying.
ALTER TABLE blobs ALTER COLUMN envelope SET STORAGE EXTERNAL;

-- Integrator request nonces seen within the HMAC signature window (replay protection).
CREATE TABLE nonces (
  key        text COLLATE "C" PRIMARY KEY,
  expires_at timestamptz NOT NULL
);
CREATE INDEX nonces_by_expiry ON nonces (expires_at);

-- Idempotency keys of the PostgreSQL job queue: a key stays with its job for ever (done and dead
-- jobs included), like the embedded queue's unique key.
CREATE TABLE job_keys (
  type       text COLLATE "C" NOT NULL,
  key        text COLLATE "C" NOT NULL,
  job_id     uuid NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (type, key)
);

/**
 * One Signet installation on disk (`--data DIR`, `SIGNET_DATA`, default `./data`): master key, CA,
 * TSA and revocation registry, opened once per process and shared by the CLI and the server.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  EmbeddedTimestamper, EmbeddedValidationData, TimestampAuthority, systemClock, type Clock,
} from '@signet/core';
import { FilePkiStore } from './pki/file-pki-store.js';
import { MasterKey } from './storage/master-key.js';

/** The opened installation. */
export interface Installation {
  dataDir: string;
  masterKey: MasterKey;
  pki: FilePkiStore;
  tsa: TimestampAuthority;
  timestamper: EmbeddedTimestamper;
  validationData: EmbeddedValidationData;
  clock: Clock;
  /** True when this call created the CA. */
  created: boolean;
}

/** Options for {@link openInstallation}. */
export interface OpenOptions {
  dataDir: string;
  /** Create the data directory, master key and CA when missing (init, start, sign). */
  create: boolean;
  /** Public base URL written into certificates (CRL and OCSP locations). */
  baseUrl?: string;
  /** True when `baseUrl` is the operator's public URL: signer certificates then carry the OCSP URL. */
  publicBaseUrl?: boolean;
  /** SIGNET_MASTER_KEY, when the key is kept outside the data directory. */
  masterKeyEnv?: string;
  clock?: Clock;
}

/** Opens (and, when asked, initialises) the installation in `dataDir`. */
export function openInstallation(opts: OpenOptions): Installation {
  const dataDir = resolve(opts.dataDir);
  if (opts.create) mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const masterKey = MasterKey.load(dataDir, opts.masterKeyEnv, opts.create);
  let pki: FilePkiStore;
  let created = false;
  if (opts.create) {
    ({ store: pki, created } = FilePkiStore.init(dataDir, masterKey, opts.baseUrl ?? 'http://localhost:8080', opts.publicBaseUrl ?? false));
  } else {
    pki = FilePkiStore.open(dataDir, masterKey);
  }
  const clock = opts.clock ?? systemClock;
  const tsa = new TimestampAuthority({ certificate: pki.pki.tsa.certificate, privateKey: pki.pki.tsa.privateKey, clock });
  return {
    dataDir,
    masterKey,
    pki,
    tsa,
    timestamper: new EmbeddedTimestamper(tsa),
    validationData: new EmbeddedValidationData(pki.pki, pki, clock),
    clock,
    created,
  };
}

/**
 * Template and bundle records: a template is its definition (the template module's JSON) plus the
 * blob id of its base PDF; a bundle (合同组合) is an ordered list of templates filled from one set
 * of variables. Both belong to one enterprise.
 */
import type { StoredRecord } from '../ports/record-store.js';

/** A stored template. */
export interface TemplateRecord extends StoredRecord {
  tenant: string;
  name: string;
  /** The template definition as the template module defines it (`TemplateDefinition`), stored as-is. */
  definition: unknown;
  /** Blob id (SHA-256) of the base PDF. */
  basePdf: string;
  /** Signer roles the template's signature and seal fields name, e.g. `['partyA', 'partyB']`. */
  roles: string[];
  createdAt: string;
  createdBy: string;
}

/** A stored bundle of templates. */
export interface BundleRecord extends StoredRecord {
  tenant: string;
  name: string;
  templateIds: string[];
  createdAt: string;
  createdBy: string;
}

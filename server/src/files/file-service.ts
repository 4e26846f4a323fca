/**
 * Uploaded files (`POST /api/v1/files`): PDFs checked to be readable, stored in the platform's
 * BlobStore, and recorded with a small tenant-scoped record so that a `fileId` means something only
 * inside the enterprise that uploaded it. Contracts (`POST /contracts`) and templates
 * (`POST /templates`) take these ids instead of the bytes.
 *
 * Each record carries its own hash-chained audit log (subject = the file id, in the workflow's
 * `audit_events` collection), written in the same atomic batch as the record.
 */
import {
  EMPTY_HEAD, PdfReader, SignetError, isSignetError, auditActorOf, actorId, chainEvents, workflowCollections, writeOp,
  type Actor, type AuditHead, type BlobStore, type Clock, type Collection, type IdGenerator, type RecordStore,
  type RequestContext, type StoredRecord,
} from '@signet/core';

/** The stored record of one uploaded file (metadata only; the bytes are in the BlobStore). */
export interface FileRecord extends StoredRecord {
  /** The owning tenant: an enterprise id, or `user:<userId>` for a person acting for no enterprise. */
  tenant: string;
  /** Who uploaded it (`usr_…`, `app:<appId>`, `link:<linkId>`). */
  uploader: string;
  /** The file name as given (sanitised), e.g. `劳动合同.pdf`. */
  name: string;
  /** SHA-256 (hex) of the bytes: also their BlobStore id. */
  sha256: string;
  pages: number;
  /** Size in bytes. */
  size: number;
  /** Uploads through a signing link: the contract the link belongs to. */
  contractId?: string;
  createdAt: string;
  /** Head of the file's own audit chain. */
  audit: AuditHead;
}

/** A file as API callers see it. */
export interface FileView {
  fileId: string;
  name: string;
  pages: number;
  sha256: string;
  size: number;
  createdAt: string;
}

/** What {@link FileService} needs. */
export interface FileServiceDeps {
  store: RecordStore;
  blobs: BlobStore;
  clock: Clock;
  ids: IdGenerator;
  /** The tenant of a contract, for uploads made through one of its signing links. */
  contractTenant?: (contractId: string) => Promise<string | undefined>;
}

const opened = new WeakMap<RecordStore, Collection<FileRecord>>();

/** Opens the `files` collection on `store`, once per store. */
export function fileCollection(store: RecordStore): Collection<FileRecord> {
  let c = opened.get(store);
  if (!c) {
    c = store.collection<FileRecord>({ name: 'files', indexes: { tenant: (r) => r.tenant } });
    opened.set(store, c);
  }
  return c;
}

/** The API view of a file record. */
export function fileView(r: FileRecord): FileView {
  return { fileId: r.id, name: r.name, pages: r.pages, sha256: r.sha256, size: r.size, createdAt: r.createdAt };
}

/**
 * A file name fit for storage and Content-Disposition: no directory part, no control characters,
 * at most 200 characters; `document.pdf` when nothing is left.
 */
export function cleanFileName(name: string | undefined): string {
  const base = (name ?? '').split(/[\\/]/).pop() ?? '';
  const clean = [...base.replace(/[\u0000-\u001f\u007f]/g, '').trim()].slice(0, 200).join('');
  return clean && clean !== '.' && clean !== '..' ? clean : 'document.pdf';
}

/**
 * The number of pages of `reader`, once its first and last pages were read: the reader takes a flat
 * page tree's /Count on trust, so a tree whose kids loop back (a cycle) is refused here with
 * PDF_MALFORMED rather than at signing time with a confusing PDF_PAGE_OUT_OF_RANGE.
 */
export function readablePageCount(reader: PdfReader): number {
  const claimed = reader.pageCount();
  try {
    if (claimed > 0) {
      reader.getPage(0);
      reader.getPage(reader.pageCount() - 1);
    }
  } catch (e) {
    if (!isSignetError(e, 'PDF_PAGE_OUT_OF_RANGE')) throw e;
    throw new SignetError('PDF_MALFORMED', `页面树无法读取。The page tree claims ${claimed} page(s) but its pages cannot be reached (its kids loop back or are not pages). Repair the file (e.g. \`qpdf in.pdf out.pdf\`) and retry.`);
  }
  return reader.pageCount();
}

/** Uploaded files: put (checked, stored, recorded) and get (tenant-scoped). */
export class FileService {
  /** The `files` collection. */
  readonly records: Collection<FileRecord>;
  private readonly audit;

  /** A file service over `deps.store` and `deps.blobs`. */
  constructor(private readonly deps: FileServiceDeps) {
    this.records = fileCollection(deps.store);
    this.audit = workflowCollections(deps.store).audit;
  }

  /** The tenant key files of `actor` belong to; FORBIDDEN for Signet itself. */
  private async tenantOf(actor: Actor): Promise<string> {
    switch (actor.kind) {
      case 'member':
      case 'app':
        return actor.enterpriseId;
      case 'person':
        return `user:${actor.userId}`;
      case 'link': {
        const t = await this.deps.contractTenant?.(actor.contractId);
        if (!t) throw new SignetError('NOT_FOUND', `合同 ${actor.contractId} 不存在。The contract of this signing link does not exist; ask the sender for a new link.`);
        return t;
      }
      case 'system':
        throw new SignetError('FORBIDDEN', '文件须由企业成员、个人、应用或签署链接上传。Files are uploaded by a member, a person, an app or a signing link.');
    }
  }

  /**
   * Checks that `bytes` are a readable, unencrypted PDF (PdfReader.load, ISO 32000-1 §7.5), stores
   * them in the BlobStore and records them for the actor's tenant. Throws PDF_NOT_PDF,
   * PDF_TRUNCATED, PDF_ENCRYPTED, PDF_XREF_BROKEN or PDF_MALFORMED before anything is stored.
   */
  async put(actor: Actor, bytes: Uint8Array, name: string | undefined, ctx: RequestContext = {}): Promise<FileRecord> {
    const tenant = await this.tenantOf(actor);
    if (!(bytes instanceof Uint8Array) || bytes.length === 0) {
      throw new SignetError('PDF_NOT_PDF', '请求体为空，请上传 PDF 文件。The body is empty: send the PDF bytes with Content-Type: application/pdf.');
    }
    const pages = readablePageCount(PdfReader.load(bytes));
    const sha256 = await this.deps.blobs.put(bytes);
    const now = this.deps.clock.now();
    const id = this.deps.ids.next('file');
    const fileName = cleanFileName(name);
    const { head, records } = chainEvents(id, EMPTY_HEAD, [{
      type: 'file.uploaded',
      actor: auditActorOf(actor, ctx),
      data: { name: fileName, sha256, pages, size: bytes.length },
    }], now);
    const rec: FileRecord = {
      id, version: 0, tenant, uploader: actorId(actor), name: fileName, sha256, pages, size: bytes.length,
      ...(actor.kind === 'link' ? { contractId: actor.contractId } : {}),
      createdAt: now.toISOString(), audit: head,
    };
    const [stored] = await this.deps.store.transact([writeOp.insert(this.records, rec), ...records.map((r) => writeOp.insert(this.audit, r))]);
    return stored as FileRecord;
  }

  /**
   * The record of an uploaded file of the actor's tenant. Another tenant's file, or an unknown id,
   * is NOT_FOUND. A signing link sees only the files uploaded through its own contract's links.
   */
  async record(actor: Actor, fileId: string): Promise<FileRecord> {
    const tenant = await this.tenantOf(actor);
    const r = typeof fileId === 'string' && fileId ? await this.records.get(fileId) : undefined;
    const visible = r && r.tenant === tenant && (actor.kind !== 'link' || r.contractId === actor.contractId);
    if (!r || !visible) throw new SignetError('NOT_FOUND', `文件 ${fileId} 不存在。File ${fileId} does not exist in your enterprise; upload it with POST /api/v1/files first.`);
    return r;
  }

  /** The record and the bytes of an uploaded file of the actor's tenant; NOT_FOUND otherwise. */
  async get(actor: Actor, fileId: string): Promise<{ record: FileRecord; bytes: Uint8Array }> {
    const record = await this.record(actor, fileId);
    return { record, bytes: await this.deps.blobs.get(record.sha256) };
  }

  /** The files of the actor's tenant, oldest first. */
  async list(actor: Actor, opts: { limit?: number; after?: string } = {}): Promise<FileRecord[]> {
    return this.records.find('tenant', await this.tenantOf(actor), opts);
  }
}

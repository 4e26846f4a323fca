/**
 * Uploaded files: `POST /files` takes a PDF as the raw body (checked: a PDF, not encrypted,
 * readable), `GET /files/{fileId}` gives it back to its own tenant. Contracts and templates refer
 * to uploads by `fileId`.
 */
import { SignetError } from '@signet/core';
import { fileView, type FileView } from '../../files/file-service.js';
import { defineRoute, reply, schemaRef, type JsonSchema } from '../route.js';
import type { RouteModule } from '../route-registry.js';
import { contextOf, platformOf } from './route-helpers.js';
import type { Platform } from '../../platform.js';

const FILE: JsonSchema = {
  type: 'object',
  description: '上传的文件 An uploaded file',
  required: ['fileId', 'name', 'pages', 'sha256', 'size', 'createdAt'],
  properties: {
    fileId: { type: 'string', description: 'Refer to the file by this id (POST /contracts documents[].fileId, POST /templates fileId)' },
    name: { type: 'string' },
    pages: { type: 'integer', minimum: 1 },
    sha256: { type: 'string', pattern: '^[0-9a-f]{64}$' },
    size: { type: 'integer', minimum: 1, description: 'Bytes' },
    createdAt: { type: 'string', format: 'date-time' },
  },
};

/** The name of an upload: `?name=`, else the `X-Signet-File-Name` header (percent-encoded UTF-8), else none. */
function uploadName(query: { name?: string }, header: string | string[] | undefined): string | undefined {
  if (query.name) return query.name;
  const h = Array.isArray(header) ? header[0] : header;
  if (!h) return undefined;
  try {
    return decodeURIComponent(h);
  } catch {
    return h;
  }
}

/** The file routes. */
export function fileRoutes(s: { platform?: Platform }): RouteModule {
  return {
    schemas: { UploadedFile: FILE },
    tags: [{ name: 'files', description: '文件上传 Uploaded PDFs, referred to by fileId' }],
    routes: [
      defineRoute<{ query: { name?: string }; body: Buffer; result: FileView }>({
        operationId: 'uploadFile',
        method: 'post',
        path: '/api/v1/files',
        summary: '上传 PDF Upload a PDF (raw body), checked to be a readable, unencrypted PDF',
        description: 'Send the PDF bytes as the body with `Content-Type: application/pdf`, and the file name in `?name=` (UTF-8, percent-encoded). '
          + 'The file belongs to the enterprise you act for (a signing link\'s uploads to its contract\'s enterprise). Nothing is stored when the check fails.',
        tags: ['files'],
        auth: ['session', 'app', 'link'],
        query: { type: 'object', additionalProperties: false, properties: { name: { type: 'string', minLength: 1, maxLength: 255, description: '文件名 The file name, e.g. 劳动合同.pdf' } } },
        body: { kind: 'binary', contentTypes: ['application/pdf'], description: 'The PDF file' },
        responses: { 201: { description: 'Stored', schema: schemaRef('UploadedFile') } },
        errors: ['PDF_NOT_PDF', 'PDF_TRUNCATED', 'PDF_ENCRYPTED', 'PDF_XREF_BROKEN', 'PDF_MALFORMED', 'PDF_LIMIT_EXCEEDED', 'FORBIDDEN', 'NOT_FOUND'],
        handler: async ({ actor, body, query, req }) => {
          const rec = await platformOf(s).files.put(actor, body, uploadName(query, req.headers['x-signet-file-name']), contextOf(req));
          return reply.json(fileView(rec), { status: 201 });
        },
      }),
      defineRoute<{ params: { fileId: string } }>({
        operationId: 'downloadFile',
        method: 'get',
        path: '/api/v1/files/:fileId',
        summary: '下载上传的文件 Download an uploaded file (your enterprise\'s only)',
        tags: ['files'],
        auth: ['session', 'app'],
        responses: { 200: { description: 'The PDF', contentType: 'application/pdf', headers: { 'Content-Disposition': { description: 'attachment, with the UTF-8 file name', schema: { type: 'string' } } } } },
        errors: ['NOT_FOUND', 'FORBIDDEN'],
        handler: async ({ actor, params }) => {
          if (actor.kind === 'link') throw new SignetError('FORBIDDEN', '签署链接不能下载上传的文件。A signing link cannot download uploads.');
          const { record, bytes } = await platformOf(s).files.get(actor, params.fileId);
          return reply.bytes(bytes, 'application/pdf', { filename: record.name });
        },
      }),
    ],
  };
}

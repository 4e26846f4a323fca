/**
 * The OpenAPI 3.1 document of the REST API, served at /api/v1/openapi.json. A test checks that every
 * /api/v1 route of the app is described here.
 */

/** Builds the OpenAPI document. */
export function openApiDocument(): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: { title: 'Signet API', version: '0.1.0', description: 'Signet e-signature server: PAdES signing, verification, contracts.' },
    servers: [{ url: '/api/v1' }],
    paths: {
      '/verify': {
        post: {
          operationId: 'verifyPdf',
          summary: 'Verify every signature of a PDF (验证PDF签名)',
          requestBody: { required: true, content: { 'application/pdf': { schema: { type: 'string', format: 'binary' } } } },
          responses: {
            '200': { description: 'The verification report', content: { 'application/json': { schema: { $ref: '#/components/schemas/VerificationReport' } } } },
            '413': { description: 'Upload too large', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
            '422': { description: 'Not a readable PDF (not a PDF, truncated, encrypted, broken xref)', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
          },
        },
      },
    },
    components: {
      schemas: {
        Error: { type: 'object', required: ['code', 'message'], properties: { code: { type: 'string' }, message: { type: 'string' } } },
        VerificationReport: {
          type: 'object',
          required: ['valid', 'summary', 'signatures'],
          properties: {
            valid: { type: 'boolean' },
            summary: { type: 'string' },
            summaryZh: { type: 'string' },
            fileSha256: { type: 'string' },
            revisionCount: { type: 'integer' },
            signatureCount: { type: 'integer' },
            signatures: { type: 'array', items: { type: 'object' } },
          },
        },
      },
    },
  };
}

/** The public verification API: `POST /api/v1/verify` with the PDF as the body gives the report. */
import type { VerificationReport } from '@signet/core';
import { ApiClient } from './api-client.js';

/** Verifies a PDF on the server and returns the report (an invalid signature is a report, not an error). */
export function verifyPdfFile(file: Blob, signal?: AbortSignal): Promise<VerificationReport> {
  return new ApiClient().upload<VerificationReport>('/verify', file, 'application/pdf', signal);
}

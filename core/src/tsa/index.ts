/**
 * RFC 3161 time-stamping: Signet's own authority, an in-process and an HTTP Timestamper, and the
 * request, response and token codecs.
 */
export { TimestampAuthority, DEFAULT_TSA_POLICY, type TimestampAuthorityOptions, type IssueTokenOptions } from './timestamp-authority.js';
export { EmbeddedTimestamper } from './embedded-timestamper.js';
export { HttpTimestamper, type HttpTimestamperOptions } from './http-timestamper.js';
export { buildTimestampRequest, parseTimestampRequest, type TimestampRequestOptions, type ParsedTimestampRequest } from './timestamp-request.js';
export { parseTimestampResponse, PKI_STATUS, FAILURE_INFO, type FailureInfo, type ParsedTimestampResponse } from './timestamp-response.js';
export { parseTimestampToken, verifyTimestampToken, type ParsedTimestampToken, type TimestampVerification } from './timestamp-token.js';

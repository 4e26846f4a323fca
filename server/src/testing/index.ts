/** The server test harness: a real app on 127.0.0.1, signed and session clients, and fakes of the directory and the signing links. */
export * from './test-server.js';
export * from './session-client.js';
export * from './fake-person-directory.js';
export * from './in-memory-signing-links.js';
export { signedFetch, signRequest, type AppCredentials, type SignedFetch } from '../auth/sign-request.js';
export * from './platform-server.js';

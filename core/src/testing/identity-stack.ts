import type { IdentityProvider } from '../ports/identity-provider.js';
import { Directory } from '../directory/directory.js';
import { LoginService } from '../directory/login-service.js';
import { OtpService, type OtpPolicy } from '../identity/otp-service.js';
import type { ScryptParams } from '../identity/password-hash.js';
import { RealNameService } from '../identity/real-name-service.js';
import { SandboxIdentityProvider } from '../identity/sandbox-identity-provider.js';
import { SigningPasswordService } from '../identity/signing-password-service.js';
import { WillingnessService } from '../identity/willingness-service.js';
import { FixedClock } from './fixed-clock.js';
import { InMemoryBlobStore } from './in-memory-blob-store.js';
import { InMemoryFieldCipher } from './in-memory-field-cipher.js';
import { InMemoryRecordStore } from './in-memory-record-store.js';
import { RecordingEventPublisher } from './recording-event-publisher.js';
import { RecordingMessageSender } from './recording-message-sender.js';
import { SequentialIdGenerator } from './sequential-id-generator.js';

/**
 * scrypt parameters for tests: N = 2^12 (4 MiB), fast enough for lockout loops while still running
 * the real scrypt. Production uses DEFAULT_SCRYPT_PARAMS.
 */
export const TEST_SCRYPT_PARAMS: Readonly<ScryptParams> = Object.freeze({ N: 2 ** 12, r: 8, p: 1 });

/** Options of {@link identityStack}. */
export interface IdentityStackOptions {
  provider?: IdentityProvider;
  otpPolicy?: Partial<OtpPolicy>;
  scrypt?: ScryptParams;
}

/**
 * The directory and identity services wired over in-memory doubles (store, field cipher, blob store,
 * recording message sender and event publisher, a fixed clock, sequential ids) and the sandbox
 * identity provider, for tests of code that needs users, enterprises, logins or willingness proofs.
 * Read OTPs from `sender.sent`; move time with `clock.advance(ms)`.
 */
export function identityStack(opts: IdentityStackOptions = {}) {
  const store = new InMemoryRecordStore();
  const cipher = new InMemoryFieldCipher();
  const clock = new FixedClock();
  const ids = new SequentialIdGenerator();
  const sender = new RecordingMessageSender();
  const events = new RecordingEventPublisher();
  const blobs = new InMemoryBlobStore();
  const provider = opts.provider ?? new SandboxIdentityProvider();
  const scrypt = opts.scrypt ?? TEST_SCRYPT_PARAMS;
  const directory = new Directory({ store, cipher, clock, ids, events, passwordParams: scrypt });
  const otp = new OtpService({ store, sender, cipher, clock, policy: opts.otpPolicy });
  const realName = new RealNameService({ directory, provider, otp, blobs, events });
  const passwords = new SigningPasswordService({ directory, otp, params: scrypt });
  const willingness = new WillingnessService({ directory, otp, passwords, provider });
  const login = new LoginService({ directory, otp, passwordParams: scrypt });
  /** The code of the latest `otp` message to `mobile`. */
  const lastCode = (mobile: string): string => {
    const m = [...sender.sent].reverse().find((x) => x.to === mobile && x.template === 'otp');
    if (!m) throw new Error(`no OTP was sent to ${mobile}`);
    return m.params.code;
  };
  return { store, cipher, clock, ids, sender, events, blobs, provider, directory, otp, realName, passwords, willingness, login, lastCode };
}

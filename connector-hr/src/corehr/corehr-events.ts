/**
 * Lark CoreHR event callbacks, checked and decoded by the SDK's `EventDispatcher`: the URL
 * challenge, AES decryption (encrypt key), the `X-Lark-Signature` check, and the verification
 * token (which the SDK does not check for unencrypted events, so it is checked here). Two events
 * launch bundles: `corehr.job_data.employed_v1` (an employee was onboarded) and
 * `corehr.pre_hire.updated_v1` (a pre-hire's data changed). Nothing here launches anything: the
 * handlers do.
 */
import type * as lark from '@larksuiteoapi/node-sdk';
import { larkSdk } from './lark-sdk.js';
import { SignetError } from '@signet/core';

/** The secrets that authenticate an enterprise's CoreHR events. */
export interface CoreHrEventSecrets {
  /** The app's encrypt key (事件加密), when events are encrypted (recommended). */
  encryptKey?: string;
  verificationToken: string;
}

/** What the handlers receive. */
export interface CoreHrEvent {
  /** Lark's event id (the same on every redelivery). */
  eventId: string;
  type: 'corehr.job_data.employed_v1' | 'corehr.pre_hire.updated_v1';
  employmentId?: string;
  preHireId?: string;
  tenantKey?: string;
}

/** The outcome of one callback. */
export type CoreHrCallbackResult = { challenge: string } | { handled: CoreHrEvent['type'] } | { ignored: string };

const silent = { error: () => undefined, warn: () => undefined, info: () => undefined, debug: () => undefined, trace: () => undefined };

function invalid(en: string): SignetError {
  return new SignetError('HR_EVENT_INVALID', `飞书人事事件校验失败。${en}`);
}

/**
 * Checks and dispatches one callback (its JSON body and request headers) to `handle`. Throws
 * HR_EVENT_INVALID when the signature, the decryption or the token fails; answers the URL challenge.
 */
export async function dispatchCoreHrCallback(
  body: unknown,
  headers: Record<string, string | string[] | undefined>,
  secrets: CoreHrEventSecrets,
  handle: (e: CoreHrEvent) => Promise<void>,
): Promise<CoreHrCallbackResult> {
  if (!body || typeof body !== 'object') throw invalid('The callback body must be a JSON object.');
  const data = Object.assign(Object.create({ headers }), body) as Record<string, unknown>;
  const sdk = larkSdk();
  let challenge: ReturnType<typeof lark.generateChallenge>;
  try {
    challenge = sdk.generateChallenge(data, { encryptKey: secrets.encryptKey ?? '' });
  } catch {
    throw invalid('The event cannot be decrypted; check the encrypt key.');
  }
  if (challenge.isChallenge) {
    const plain = 'encrypt' in data ? JSON.parse(new sdk.AESCipher(secrets.encryptKey!).decrypt(data.encrypt as string)) as { token?: string } : data as { token?: string };
    if (plain.token !== secrets.verificationToken) throw invalid('The URL challenge carries another verification token.');
    return { challenge: challenge.challenge.challenge as string };
  }
  if (secrets.encryptKey && !('encrypt' in data)) throw invalid('Events must be encrypted with the configured encrypt key.');
  let called: CoreHrEvent['type'] | undefined;
  const check = (d: Record<string, unknown>) => {
    if (d.token !== secrets.verificationToken) throw invalid('The event carries another verification token.');
    if (typeof d.event_id !== 'string' || !d.event_id) throw invalid('The event has no event_id (schema 2.0 events only).');
  };
  const dispatcher = new sdk.EventDispatcher({ encryptKey: secrets.encryptKey, verificationToken: secrets.verificationToken, logger: silent, loggerLevel: sdk.LoggerLevel.error }).register({
    'corehr.job_data.employed_v1': async (d: Record<string, unknown>) => {
      check(d);
      called = 'corehr.job_data.employed_v1';
      await handle({ eventId: d.event_id as string, type: called, employmentId: d.employment_id as string | undefined, tenantKey: d.tenant_key as string | undefined });
      return 'ok';
    },
    'corehr.pre_hire.updated_v1': async (d: Record<string, unknown>) => {
      check(d);
      called = 'corehr.pre_hire.updated_v1';
      await handle({ eventId: d.event_id as string, type: called, preHireId: d.pre_hire_id as string | undefined, tenantKey: d.tenant_key as string | undefined });
      return 'ok';
    },
  });
  const out = await dispatcher.invoke(data);
  if (called) return { handled: called };
  // The SDK answers undefined, without calling a handler, when the signature does not match.
  if (out === undefined) throw invalid('The X-Lark-Signature does not match; check the encrypt key.');
  return { ignored: String(out) };
}

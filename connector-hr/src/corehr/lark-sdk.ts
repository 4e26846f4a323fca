/**
 * The Lark/Feishu SDK, loaded on first use: its import costs about a second (a 6 MB bundle with
 * axios and protobufjs) that every `signet` command and every server without a CoreHR app would
 * otherwise pay at start. The SDK ships a CommonJS build, so it loads synchronously here, which
 * keeps the CoreHR client's constructor synchronous.
 */
import { createRequire } from 'node:module';
import type * as Lark from '@larksuiteoapi/node-sdk';

let sdk: typeof Lark | undefined;

/** The `@larksuiteoapi/node-sdk` module, loaded once per process. */
export function larkSdk(): typeof Lark {
  return (sdk ??= createRequire(import.meta.url)('@larksuiteoapi/node-sdk') as typeof Lark);
}

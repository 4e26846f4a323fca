/**
 * The Lark/Feishu SDK, loaded on first use: its import costs about a second (a 6 MB bundle with
 * axios and protobufjs) that Signet processes without a Lark app, and every CLI command, never need.
 */
import type * as Lark from '@larksuiteoapi/node-sdk';

let sdk: Promise<typeof Lark> | undefined;

/** The `@larksuiteoapi/node-sdk` module, imported once per process. */
export function larkSdk(): Promise<typeof Lark> {
  return (sdk ??= import('@larksuiteoapi/node-sdk'));
}

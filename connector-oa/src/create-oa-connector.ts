/**
 * Builds a connector from its configuration: the Lark SDK client, the Signet API client, the
 * connector and its event receiver. The server mounts the result on its own app; a standalone
 * process serves it with {@link startOaConnector} (`start-oa-connector.ts`).
 */
import type { Clock, RecordStore } from '@signet/core';
import { SdkLarkApprovalApi, type LarkApprovalApi, type LarkDomain, type LarkUserRef } from './lark/lark-approval-api.js';
import { LarkEventReceiver } from './lark/lark-event-receiver.js';
import { OaConnector, type OaConnectorOptions, type OaLogger } from './oa-connector.js';
import type { OaJobQueue } from './oa-job-queue.js';
import { HttpSignetApi, type SignetApi } from './signet/signet-api.js';

/** The Lark/Feishu custom app the connector acts as. */
export interface LarkAppConfig {
  appId: string;
  appSecret: string;
  /** `feishu` (default), `lark`, or a base URL (a fake Lark in tests). */
  domain?: LarkDomain;
  /** The app's Encrypt Key (事件与回调 → 加密策略). Strongly recommended: without it events are only token-checked. */
  encryptKey?: string;
  /** The app's Verification Token. */
  verificationToken: string;
  /** The seal-use definition's code, printed by `signet oa provision`. */
  approvalCode?: string;
  approvalFileUploadUrl?: string;
  commentAs?: LarkUserRef;
  resolveNames?: boolean;
  /** See `LarkEventReceiverOptions.replayWindowSec`. */
  replayWindowSec?: number;
}

/** Everything a connector is configured with (parsed once by the composition root). */
export interface OaConnectorConfig {
  signet: {
    /** Where the connector calls the Signet API (the server itself when mounted). */
    baseUrl: string | (() => string);
    appId: string;
    appSecret: string;
    /** The server's public address, for the verification link in comments (default baseUrl). */
    publicUrl?: string | (() => string);
    /** Secret of the Signet webhook subscription (contract.completed) a standalone connector receives at `/oa/signet/events`. */
    webhookSecret?: string;
  };
  lark?: LarkAppConfig;
  generic?: OaConnectorOptions['generic'];
  jobs?: OaConnectorOptions['jobs'];
  maxDocumentBytes?: number;
}

/** The ports a connector runs on. */
export interface OaConnectorPorts {
  records: RecordStore;
  queue: OaJobQueue;
  clock?: Clock;
  log?: OaLogger;
  /** Overrides for tests. */
  signetApi?: SignetApi;
  larkApi?: LarkApprovalApi;
  fetch?: typeof fetch;
}

/** A built connector. */
export interface BuiltOaConnector {
  connector: OaConnector;
  /** The Lark event receiver (when a Lark app is configured). */
  receiver?: LarkEventReceiver;
  lark?: LarkApprovalApi;
  signet: SignetApi;
  config: OaConnectorConfig;
}

function value(v: string | (() => string)): string {
  return typeof v === 'function' ? v() : v;
}

/** Builds the connector, its clients and its Lark receiver. */
export function createOaConnector(config: OaConnectorConfig, ports: OaConnectorPorts): BuiltOaConnector {
  const signet = ports.signetApi ?? new HttpSignetApi({ baseUrl: config.signet.baseUrl, credentials: { appId: config.signet.appId, appSecret: config.signet.appSecret }, fetch: ports.fetch });
  const l = config.lark;
  const lark = ports.larkApi ?? (l ? new SdkLarkApprovalApi({ appId: l.appId, appSecret: l.appSecret, domain: l.domain, approvalFileUploadUrl: l.approvalFileUploadUrl, fetch: ports.fetch }) : undefined);
  const publicUrl = config.signet.publicUrl ?? config.signet.baseUrl;
  const connector = new OaConnector(
    { records: ports.records, queue: ports.queue, signet, lark, clock: ports.clock, log: ports.log, fetch: ports.fetch },
    {
      verifyUrl: () => `${value(publicUrl).replace(/\/+$/, '')}/verify`,
      lark: l ? { approvalCode: l.approvalCode, commentAs: l.commentAs, resolveNames: l.resolveNames } : undefined,
      generic: config.generic,
      jobs: config.jobs,
      maxDocumentBytes: config.maxDocumentBytes,
    },
  );
  const receiver = l
    ? new LarkEventReceiver({ encryptKey: l.encryptKey, verificationToken: l.verificationToken, replayWindowSec: l.replayWindowSec, clock: ports.clock, onApprovalInstance: (e) => connector.onLarkApprovalEvent(e) })
    : undefined;
  return { connector, receiver, lark, signet, config };
}

/**
 * @signet/connector-oa: OA approval flows to seal stamping (issue #7). An approved seal-use request
 * (用印申请) in Lark/Feishu, or in another OA through the generic webhook, is stamped by the Signet
 * server under the approval's authority, and the stamped file goes back into the approval.
 */
export * from './oa-connector.js';
export * from './oa-job-queue.js';
export * from './oa-records.js';
export * from './oa-messages.js';
export * from './stamp-placement.js';
export * from './create-oa-connector.js';
export * from './start-oa-connector.js';
export * from './lark/lark-crypto.js';
export * from './lark/lark-approval-api.js';
export * from './lark/lark-event-receiver.js';
export * from './lark/seal-use-form.js';
export * from './lark/provision-seal-use-approval.js';
export * from './signet/signet-api.js';
export * from './signet/signet-request-signature.js';
export * from './generic/oa-webhook.js';

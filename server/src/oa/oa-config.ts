/**
 * The OA connector's settings, as the composition roots pass them in: `main.ts` (the server) and
 * `cli/main.ts` (`signet oa …`) read the environment and hand it here; nothing here reads
 * process.env itself.
 *
 * | variable | what |
 * |---|---|
 * | `SIGNET_OA_APP_ID`, `SIGNET_OA_APP_SECRET` | the Signet integrator app the connector stamps as |
 * | `SIGNET_OA_LARK_APP_ID`, `SIGNET_OA_LARK_APP_SECRET` | the Lark/Feishu custom app |
 * | `SIGNET_OA_LARK_ENCRYPT_KEY`, `SIGNET_OA_LARK_VERIFICATION_TOKEN` | its event encryption and token |
 * | `SIGNET_OA_LARK_DOMAIN` | `feishu` (default), `lark`, or a base URL |
 * | `SIGNET_OA_LARK_APPROVAL_CODE` | the 用印申请 definition (`signet oa provision` prints it) |
 * | `SIGNET_OA_LARK_COMMENT_AS` | the open_id comments are written as (default: the applicant) |
 * | `SIGNET_OA_WEBHOOK_SECRET` | the generic OA webhook's HMAC secret |
 * | `SIGNET_OA_WEBHOOK_HOSTS` | comma-separated hosts for document URLs and callbacks |
 * | `SIGNET_OA_WEBHOOK_ALLOW_HTTP` | `1` allows http:// (intranets) |
 * | `SIGNET_OA_SIGNET_WEBHOOK_SECRET` | standalone only: the secret of Signet's webhook to `/oa/signet/events` |
 */
import { SignetError } from '@signet/core';
import type { OaConnectorConfig } from '@signet/connector-oa';

/** The OA variables of an environment. */
export interface OaEnvironment {
  appId?: string;
  appSecret?: string;
  larkAppId?: string;
  larkAppSecret?: string;
  larkEncryptKey?: string;
  larkVerificationToken?: string;
  larkDomain?: string;
  larkApprovalCode?: string;
  larkCommentAs?: string;
  webhookSecret?: string;
  webhookHosts?: string;
  webhookAllowHttp?: string;
  signetWebhookSecret?: string;
}

/** Picks the OA variables out of an environment. */
export function oaEnvironment(e: Record<string, string | undefined>): OaEnvironment {
  return {
    appId: e.SIGNET_OA_APP_ID,
    appSecret: e.SIGNET_OA_APP_SECRET,
    larkAppId: e.SIGNET_OA_LARK_APP_ID,
    larkAppSecret: e.SIGNET_OA_LARK_APP_SECRET,
    larkEncryptKey: e.SIGNET_OA_LARK_ENCRYPT_KEY,
    larkVerificationToken: e.SIGNET_OA_LARK_VERIFICATION_TOKEN,
    larkDomain: e.SIGNET_OA_LARK_DOMAIN,
    larkApprovalCode: e.SIGNET_OA_LARK_APPROVAL_CODE,
    larkCommentAs: e.SIGNET_OA_LARK_COMMENT_AS,
    webhookSecret: e.SIGNET_OA_WEBHOOK_SECRET,
    webhookHosts: e.SIGNET_OA_WEBHOOK_HOSTS,
    webhookAllowHttp: e.SIGNET_OA_WEBHOOK_ALLOW_HTTP,
    signetWebhookSecret: e.SIGNET_OA_SIGNET_WEBHOOK_SECRET,
  };
}

/**
 * The connector's configuration, or undefined when the environment asks for no connector (no
 * `SIGNET_OA_APP_ID`). INVALID_ARGUMENT names a setting that is missing.
 */
export function oaConfigOf(env: OaEnvironment, urls: { signet: string | (() => string); public: string | (() => string) }): OaConnectorConfig | undefined {
  if (!env.appId && !env.larkAppId && !env.webhookSecret) return undefined;
  const need = (v: string | undefined, name: string) => {
    if (!v) throw new SignetError('INVALID_ARGUMENT', `OA 连接器缺少 ${name}。The OA connector needs ${name}; set it, or unset the other SIGNET_OA_* variables.`);
    return v;
  };
  const config: OaConnectorConfig = {
    signet: {
      baseUrl: urls.signet, publicUrl: urls.public,
      appId: need(env.appId, 'SIGNET_OA_APP_ID'), appSecret: need(env.appSecret, 'SIGNET_OA_APP_SECRET'),
      ...(env.signetWebhookSecret ? { webhookSecret: env.signetWebhookSecret } : {}),
    },
  };
  if (env.larkAppId) {
    config.lark = {
      appId: env.larkAppId,
      appSecret: need(env.larkAppSecret, 'SIGNET_OA_LARK_APP_SECRET'),
      verificationToken: need(env.larkVerificationToken, 'SIGNET_OA_LARK_VERIFICATION_TOKEN'),
      ...(env.larkEncryptKey ? { encryptKey: env.larkEncryptKey } : {}),
      ...(env.larkDomain ? { domain: env.larkDomain } : {}),
      ...(env.larkApprovalCode ? { approvalCode: env.larkApprovalCode } : {}),
      ...(env.larkCommentAs ? { commentAs: { type: 'open_id' as const, id: env.larkCommentAs } } : {}),
    };
  }
  if (env.webhookSecret) {
    if (env.webhookSecret.length < 16) throw new SignetError('INVALID_ARGUMENT', 'SIGNET_OA_WEBHOOK_SECRET 至少 16 个字符。SIGNET_OA_WEBHOOK_SECRET must have at least 16 characters.');
    config.generic = {
      secret: env.webhookSecret,
      allowedHosts: (env.webhookHosts ?? '').split(',').map((h) => h.trim()).filter(Boolean),
      allowHttp: env.webhookAllowHttp === '1' || env.webhookAllowHttp === 'true',
    };
  }
  return config;
}

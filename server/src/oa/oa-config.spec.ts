import assert from 'node:assert/strict';
import { isSignetError } from '@signet/core';
import { oaConfigOf, oaEnvironment } from './oa-config.js';

describe('oa/oaConfigOf()', () => {
  const urls = { signet: 'http://127.0.0.1:8080', public: 'https://sign.example.com' };
  const lark = {
    SIGNET_OA_APP_ID: 'app_1', SIGNET_OA_APP_SECRET: 'sk_1', SIGNET_OA_LARK_APP_ID: 'cli_1', SIGNET_OA_LARK_APP_SECRET: 's',
    SIGNET_OA_LARK_VERIFICATION_TOKEN: 'vt', SIGNET_OA_LARK_ENCRYPT_KEY: 'ek', SIGNET_OA_LARK_APPROVAL_CODE: 'AC', SIGNET_OA_LARK_DOMAIN: 'lark',
  };

  it('mounts no connector when no SIGNET_OA_* variable is set', () => {
    assert.equal(oaConfigOf(oaEnvironment({ PATH: '/bin' }), urls), undefined);
  });

  it('builds the Lark and generic settings from the environment', () => {
    const c = oaConfigOf(oaEnvironment({ ...lark, SIGNET_OA_WEBHOOK_SECRET: 'sixteen-chars-xx', SIGNET_OA_WEBHOOK_HOSTS: 'oa.example.com, *.corp.example.com', SIGNET_OA_LARK_COMMENT_AS: 'ou_bot' }), urls)!;
    assert.deepEqual(c.signet, { baseUrl: urls.signet, publicUrl: urls.public, appId: 'app_1', appSecret: 'sk_1' });
    assert.deepEqual(c.lark, { appId: 'cli_1', appSecret: 's', verificationToken: 'vt', encryptKey: 'ek', domain: 'lark', approvalCode: 'AC', commentAs: { type: 'open_id', id: 'ou_bot' } });
    assert.deepEqual(c.generic, { secret: 'sixteen-chars-xx', allowedHosts: ['oa.example.com', '*.corp.example.com'], allowHttp: false });
  });

  it('names the setting that is missing, and refuses a short webhook secret', () => {
    for (const [env, name] of [
      [{ ...lark, SIGNET_OA_APP_SECRET: undefined }, 'SIGNET_OA_APP_SECRET'],
      [{ ...lark, SIGNET_OA_LARK_VERIFICATION_TOKEN: undefined }, 'SIGNET_OA_LARK_VERIFICATION_TOKEN'],
      [{ SIGNET_OA_WEBHOOK_SECRET: 'sixteen-chars-xx' }, 'SIGNET_OA_APP_ID'],
      [{ ...lark, SIGNET_OA_WEBHOOK_SECRET: 'short' }, 'SIGNET_OA_WEBHOOK_SECRET'],
    ] as [Record<string, string | undefined>, string][]) {
      assert.throws(() => oaConfigOf(oaEnvironment(env), urls), (e) => isSignetError(e, 'INVALID_ARGUMENT') && e.message.includes(name), name);
    }
  });
});

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '@signet/test-support';
import { startOaTestKit, type OaTestKit } from '../oa/oa-test-kit.js';

const bin = join(repoRoot, 'server', 'bin', 'signet.js');

/** Runs the CLI without blocking this process (the servers it talks to run here). */
function signet(args: string[], env: Record<string, string | undefined> = {}): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SIGNET_OA_')));
    execFile(process.execPath, [bin, ...args], { env: { ...clean, ...env } as NodeJS.ProcessEnv, timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ status: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

describe('signet oa', function () {
  this.timeout(120_000);
  let kit: OaTestKit;
  let env: Record<string, string>;
  before(async () => {
    kit = await startOaTestKit({ mount: false });
    env = {
      SIGNET_OA_APP_ID: kit.app.appId, SIGNET_OA_APP_SECRET: kit.app.secret,
      SIGNET_OA_LARK_APP_ID: kit.lark.appId, SIGNET_OA_LARK_APP_SECRET: kit.lark.appSecret, SIGNET_OA_LARK_DOMAIN: kit.lark.url,
    };
  });
  after(() => kit?.close());

  describe('provision', () => {
    it('creates the 用印申请 definition with the enabled seals and a seal-keeper node, subscribes, and prints the approval code and what to do next', async () => {
      const before = kit.lark.definitions.size;
      const r = await signet(['oa', 'provision', '--signet-url', kit.srv.baseUrl, '--approver', kit.lark.users[1].openId], env);
      assert.equal(r.status, 0, r.stderr);
      assert.equal(kit.lark.definitions.size, before + 1);
      const code = /seal-use approval: (\S+)/.exec(r.stdout)?.[1];
      const d = kit.lark.definitions.get(code!)!;
      assert.ok(d.subscribed);
      const seal = d.widgets.find((w) => w.id === 'signet_seal')!;
      assert.deepEqual((seal.value as { key: string }[]).map((o) => o.key).sort(), [kit.seal.id, kit.unauthorizedSeal.id].sort(), 'the disabled seal is not offered');
      assert.deepEqual((d.body.node_list as { id: string }[]).map((n) => n.id), ['START', 'signet_supervisor', 'signet_seal_keeper', 'END']);
      assert.match(r.stdout, new RegExp(`SIGNET_OA_LARK_APPROVAL_CODE=${code}`));
      assert.match(r.stdout, /\/lark\/events/);

      const again = await signet(['oa', 'provision', '--signet-url', kit.srv.baseUrl, '--approval-code', code!], env);
      assert.equal(again.status, 0, again.stderr);
      assert.match(again.stdout, /Updated the seal-use approval/);
      assert.equal(kit.lark.definitions.size, before + 1, 'updated in place');
    });

    it('answers a missing secret, a bad URL and a wrong Lark secret with one line on stderr and no stack trace', async () => {
      const cases: [string[], Record<string, string>, RegExp][] = [
        [['oa', 'provision', '--signet-url', kit.srv.baseUrl], { ...env, SIGNET_OA_LARK_APP_SECRET: '' }, /SIGNET_OA_LARK_APP_SECRET/],
        [['oa', 'provision', '--signet-url', 'ftp://x'], env, /--signet-url must be an http\(s\) URL/],
        [['oa', 'provision', '--signet-url', kit.srv.baseUrl], { ...env, SIGNET_OA_LARK_APP_SECRET: 'wrong' }, /OA_UPSTREAM_FAILED/],
        [['oa', 'provision', '--signet-url', kit.srv.baseUrl], { ...env, SIGNET_OA_APP_SECRET: 'sk_wrong' }, /AUTH_SIGNATURE_INVALID/],
        [['oa', 'frobnicate'], env, /Unknown command 'signet oa frobnicate'/],
        [['oa', 'serve', '--signet-url', kit.srv.baseUrl], env, /--data DIR/],
      ];
      for (const [args, e, why] of cases) {
        const r = await signet(args, e);
        assert.equal(r.status, 1, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
        assert.match(r.stderr, why);
        assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
        assert.doesNotMatch(r.stderr, /\n\s+at /);
      }
    });
  });
});

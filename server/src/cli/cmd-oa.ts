/**
 * `signet oa …`: the OA connector's commands.
 *
 * - `signet oa provision` creates (or, with `--approval-code`, updates) the 用印申请 approval
 *   definition in the Lark/Feishu tenant, with the enterprise's enabled seals as options, and
 *   subscribes the app to its events. It talks HTTP to Lark and to a running Signet server (as
 *   the connector's integrator app), so it works beside a running server.
 * - `signet oa serve` runs the connector as a process of its own (the standalone mode of
 *   `@signet/connector-oa`), with its requests and jobs in its own data directory.
 *
 * Secrets come from the environment only (never from flags, which end up in shell history and
 * `ps`): SIGNET_OA_APP_SECRET, SIGNET_OA_LARK_APP_SECRET, SIGNET_OA_LARK_ENCRYPT_KEY, … (see
 * `oa/oa-config.ts`). The environment is read by `cli/main.ts` and handed in.
 */
import { SignetError } from '@signet/core';
import { HttpSignetApi, SdkLarkApprovalApi, provisionSealUseApproval, startOaConnector } from '@signet/connector-oa';
import { parseArgs } from './args.js';
import { intOption } from './common.js';
import { LowdbRecordStore } from '../storage/lowdb-record-store.js';
import { RecordStoreJobQueue } from '../jobs/record-store-job-queue.js';
import { createLogger } from '../log/logger.js';
import { oaConfigOf, oaEnvironment } from '../oa/oa-config.js';

/** Usage of `signet oa`. */
export const OA_USAGE = `signet oa provision [--signet-url URL] [--approval-code CODE] [--approver OPEN_ID]... [--no-supervisor] [--name NAME]
                                                    create or update the 用印申请 approval in Lark/Feishu and subscribe to it
signet oa serve --data DIR [--port 8090] [--host 127.0.0.1] --signet-url URL [--public-url URL]
                                                    run the OA connector as its own process
  Settings come from the environment: SIGNET_OA_APP_ID/_SECRET (the Signet app), SIGNET_OA_LARK_APP_ID/_SECRET,
  SIGNET_OA_LARK_ENCRYPT_KEY, SIGNET_OA_LARK_VERIFICATION_TOKEN, SIGNET_OA_LARK_DOMAIN, SIGNET_OA_LARK_APPROVAL_CODE,
  SIGNET_OA_WEBHOOK_SECRET, SIGNET_OA_WEBHOOK_HOSTS, SIGNET_OA_SIGNET_WEBHOOK_SECRET.
`;

function need(v: string | undefined, what: string): string {
  if (!v) throw new SignetError('INVALID_ARGUMENT', `缺少 ${what}。Set ${what} in the environment; see \`signet oa help\`.`);
  return v;
}

function checkUrl(v: string, flag: string): string {
  try {
    const u = new URL(v);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('scheme');
    return v.replace(/\/+$/, '');
  } catch {
    throw new SignetError('INVALID_ARGUMENT', `--${flag} must be an http(s) URL, got "${v}"`);
  }
}

async function provision(argv: string[], e: Record<string, string | undefined>): Promise<number> {
  const { flags, positionals } = parseArgs(argv, { 'signet-url': 'string', 'approval-code': 'string', approver: 'multi', 'no-supervisor': 'boolean', name: 'string' });
  if (positionals.length) throw new SignetError('INVALID_ARGUMENT', `Unexpected argument ${positionals[0]}; see \`signet oa help\``);
  const env = oaEnvironment(e);
  const signetUrl = checkUrl((flags['signet-url'] as string | undefined) ?? e.SIGNET_BASE_URL ?? 'http://127.0.0.1:8080', 'signet-url');
  const signet = new HttpSignetApi({ baseUrl: signetUrl, credentials: { appId: need(env.appId, 'SIGNET_OA_APP_ID'), appSecret: need(env.appSecret, 'SIGNET_OA_APP_SECRET') } });
  const lark = new SdkLarkApprovalApi({ appId: need(env.larkAppId, 'SIGNET_OA_LARK_APP_ID'), appSecret: need(env.larkAppSecret, 'SIGNET_OA_LARK_APP_SECRET'), domain: env.larkDomain });
  const approvers = (flags.approver as string[] | undefined) ?? [];
  const r = await provisionSealUseApproval(lark, signet, {
    approvalCode: (flags['approval-code'] as string | undefined) ?? env.larkApprovalCode,
    approvers: { supervisor: !flags['no-supervisor'], openIds: approvers },
    name: flags.name as string | undefined,
  });
  process.stdout.write(`${r.created ? '已创建' : '已更新'}用印申请审批 ${r.created ? 'Created' : 'Updated'} the seal-use approval: ${r.approvalCode}\n`);
  process.stdout.write(`印章选项 Seals offered: ${r.seals.map((s) => `${s.label} (${s.id})`).join(', ')}\n`);
  process.stdout.write(`已订阅审批事件 Subscribed to its events.\n`);
  process.stdout.write(`下一步 Next: set SIGNET_OA_LARK_APPROVAL_CODE=${r.approvalCode} for the server, and the event request URL <server>/lark/events in the Lark app.\n`);
  return 0;
}

async function serve(argv: string[], e: Record<string, string | undefined>): Promise<number> {
  const { flags } = parseArgs(argv, { data: 'string', port: 'string', host: 'string', 'signet-url': 'string', 'public-url': 'string' });
  const dir = need(flags.data as string | undefined, '--data DIR (the connector\'s own data directory, not the server\'s)');
  const signetUrl = checkUrl(need(flags['signet-url'] as string | undefined, '--signet-url'), 'signet-url');
  const publicUrl = flags['public-url'] ? checkUrl(flags['public-url'] as string, 'public-url') : signetUrl;
  const config = oaConfigOf(oaEnvironment(e), { signet: signetUrl, public: publicUrl });
  if (!config) throw new SignetError('INVALID_ARGUMENT', 'Nothing to serve: set SIGNET_OA_APP_ID, SIGNET_OA_APP_SECRET and the Lark (SIGNET_OA_LARK_*) or webhook (SIGNET_OA_WEBHOOK_SECRET) settings.');
  const records = await LowdbRecordStore.open({ dir });
  const log = createLogger({ bindings: { component: 'oa' } });
  const queue = new RecordStoreJobQueue({ store: records, log });
  const running = await startOaConnector({
    config, records, queue, log,
    port: intOption(flags.port as string | undefined, 'port', 0, 65535) ?? 8090,
    host: (flags.host as string | undefined) ?? '127.0.0.1',
  });
  process.stdout.write(`Signet OA 连接器 connector is running at ${running.url}\n`);
  if (config.lark) process.stdout.write(`  飞书事件 Lark events: ${running.url}/lark/events\n`);
  if (config.generic) process.stdout.write(`  OA 回调 OA webhook:  ${running.url}/oa/webhook\n`);
  process.stdout.write(`  Signet 事件 Signet webhook: ${running.url}/oa/signet/events\n`);
  return await new Promise<number>((resolve) => {
    const onSignal = () => {
      running.stop().then(() => records.close()).then(() => resolve(0), () => resolve(1));
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  });
}

/** `signet oa provision|serve`. `env` is the process environment, read by the CLI's main. */
export async function cmdOa(argv: string[], env: Record<string, string | undefined>): Promise<number> {
  const [sub, ...rest] = argv;
  switch (sub) {
    case 'provision':
      return provision(rest, env);
    case 'serve':
      return serve(rest, env);
    case undefined:
    case 'help':
    case '--help':
      process.stdout.write(OA_USAGE);
      return sub === undefined ? 2 : 0;
    default:
      throw new SignetError('INVALID_ARGUMENT', `Unknown command 'signet oa ${sub}'; use provision or serve (see \`signet oa help\`)`);
  }
}

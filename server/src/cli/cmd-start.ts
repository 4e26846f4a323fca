import { parseArgs } from './args.js';
import { dataDirOf, intOption } from './common.js';
import { startCluster, startServer, type RunningServer } from '../main.js';
import { isClusterWorker, leavePrimary, tellPrimary } from '../cluster/cluster-worker.js';

/**
 * `signet start [--port 8080] [--host 127.0.0.1] [--base-url URL] [--no-demo] [--workers N]`: the
 * server, until SIGINT/SIGTERM. With `--workers N` (N > 1, PostgreSQL only) this process is the
 * node:cluster primary of N server processes on one port; a forked worker runs this same command.
 */
export async function cmdStart(argv: string[]): Promise<number> {
  const { flags } = parseArgs(argv, { data: 'string', port: 'string', host: 'string', 'base-url': 'string', 'no-demo': 'boolean', workers: 'string' });
  const port = intOption(flags.port as string | undefined, 'port', 0, 65535) ?? Number(process.env.PORT ?? 8080);
  const workers = intOption(flags.workers as string | undefined, 'workers', 1, 64) ?? 1;
  const cfg = {
    dataDir: dataDirOf(flags),
    port,
    host: (flags.host as string | undefined) ?? process.env.HOST ?? '127.0.0.1',
    baseUrl: flags['base-url'] as string | undefined,
    demo: flags['no-demo'] ? false : undefined,
  };
  if (!isClusterWorker() && workers > 1) return startCluster({ ...cfg, workers });
  let running: RunningServer;
  try {
    running = await startServer(cfg);
  } catch (e) {
    tellPrimary({ signet: 'fatal' });
    throw e;
  }
  tellPrimary({ signet: 'ready', url: running.url });
  const code = await new Promise<number>((resolve) => {
    // The listeners stay installed while stopping: a second signal (the primary's SIGTERM after the
    // terminal's SIGINT, or a supervisor signalling the whole process group) must not fall back to
    // the default action and kill the signatures in flight. Only a second Ctrl-C on a stand-alone
    // server, or the 15 s limit, quits at once (open connections would keep the process alive).
    let stopping = false;
    const quitNow = () => process.exit(1);
    const onSignal = (sig: NodeJS.Signals) => {
      if (stopping) {
        if (sig === 'SIGINT' && !isClusterWorker()) quitNow();
        return;
      }
      stopping = true;
      if (!isClusterWorker()) console.log('正在停止 Shutting down: finishing requests in flight… (Ctrl-C again to quit at once)');
      const force = setTimeout(quitNow, 15_000);
      force.unref();
      running.stop().then(() => resolve(0), () => resolve(1)).finally(() => {
        clearTimeout(force);
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      });
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
  leavePrimary();
  return code;
}

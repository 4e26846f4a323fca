import { parseArgs } from './args.js';
import { dataDirOf, intOption } from './common.js';
import { startServer } from '../main.js';

/** `signet start [--port 8080] [--host 127.0.0.1] [--base-url URL] [--no-demo]`: the server, until SIGINT/SIGTERM. */
export async function cmdStart(argv: string[]): Promise<number> {
  const { flags } = parseArgs(argv, { data: 'string', port: 'string', host: 'string', 'base-url': 'string', 'no-demo': 'boolean' });
  const port = intOption(flags.port as string | undefined, 'port', 0, 65535) ?? Number(process.env.PORT ?? 8080);
  const running = await startServer({
    dataDir: dataDirOf(flags),
    port,
    host: (flags.host as string | undefined) ?? process.env.HOST ?? '127.0.0.1',
    baseUrl: flags['base-url'] as string | undefined,
    demo: flags['no-demo'] ? false : undefined,
  });
  return await new Promise<number>((resolve) => {
    const onSignal = () => {
      console.log('正在停止 Shutting down: finishing requests in flight…');
      const force = setTimeout(() => resolve(1), 15_000);
      force.unref();
      running.stop().then(() => resolve(0), () => resolve(1));
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  });
}

import { parseArgs } from './args.js';
import { dataDirOf, intOption } from './common.js';
import { startServer } from '../main.js';

/** `signet start [--port 8080] [--host 127.0.0.1]`: the server. */
export async function cmdStart(argv: string[]): Promise<number> {
  const { flags } = parseArgs(argv, { data: 'string', port: 'string', host: 'string', 'base-url': 'string' });
  const port = intOption(flags.port as string | undefined, 'port', 0, 65535) ?? Number(process.env.PORT ?? 8080);
  await startServer({
    dataDir: dataDirOf(flags),
    port,
    host: (flags.host as string | undefined) ?? process.env.HOST ?? '127.0.0.1',
    baseUrl: flags['base-url'] as string | undefined,
  });
  return await new Promise<number>(() => {}); // runs until a signal stops it
}

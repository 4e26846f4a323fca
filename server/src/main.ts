/**
 * The composition root: parses configuration once, opens the installation, builds the app and
 * listens. Nothing else in the server reads process.env.
 */
import type { Server } from 'node:http';
import { createApp } from './app.js';
import { openInstallation } from './installation.js';

/** Server configuration. */
export interface ServerConfig {
  dataDir: string;
  port: number;
  host: string;
  baseUrl?: string;
}

/** Opens the installation (initialising it on first run), starts listening and prints the URL. */
export async function startServer(cfg: ServerConfig): Promise<Server> {
  const baseUrl = cfg.baseUrl ?? process.env.SIGNET_BASE_URL ?? `http://${cfg.host === '0.0.0.0' ? 'localhost' : cfg.host}:${cfg.port}`;
  const publicBaseUrl = !!(cfg.baseUrl ?? process.env.SIGNET_BASE_URL);
  const inst = openInstallation({ dataDir: cfg.dataDir, create: true, baseUrl, publicBaseUrl, masterKeyEnv: process.env.SIGNET_MASTER_KEY });
  if (inst.created) console.log(`Initialised ${inst.dataDir} (root CA, issuing CA, TSA, master key).`);
  const app = createApp({ installation: inst, log: process.env.SIGNET_QUIET ? undefined : (l) => console.log(l) });
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(cfg.port, cfg.host, () => resolve(s));
    s.once('error', reject);
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : cfg.port;
  const url = `http://${cfg.host === '0.0.0.0' ? 'localhost' : cfg.host}:${port}`;
  console.log(`Signet is running at ${url}`);
  console.log(`  Verify a PDF:   ${url}/verify`);
  console.log(`  API (OpenAPI):  ${url}/api/v1/openapi.json`);
  console.log(`  Trust anchor:   ${url}/pki/root.pem`);
  const stop = () => {
    console.log('Shutting down…');
    server.close(() => process.exit(0));
    setTimeout(() => process.exit(0), 10_000).unref();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return server;
}

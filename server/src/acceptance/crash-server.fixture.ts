/**
 * Test fixture for the crash spec: one Signet server process over the data directory `argv[2]`
 * (embedded lowdb, encrypted blob files), built the way `main.ts` builds it (installation →
 * platform → jobs → app → listen), with the OA connector configured from the JSON file `argv[3]`
 * when given (its Signet URL is this server's own). Prints `listening <url>` once it accepts
 * requests; the spec kills it with SIGKILL at a random moment.
 */
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { OaConnectorConfig } from '@signet/connector-oa';
import { TEST_SCRYPT_PARAMS } from '@signet/core/testing';
import { createApp } from '../app.js';
import { cjkFontBytes } from '../fonts.js';
import { openInstallation } from '../installation.js';
import { openPlatform } from '../platform.js';

const [dataDir, configFile] = process.argv.slice(2);
let baseUrl = 'http://127.0.0.1:1';
const installation = openInstallation({ dataDir, create: false });
const platform = await openPlatform({ installation, baseUrl: () => baseUrl, font: cjkFontBytes(), scrypt: TEST_SCRYPT_PARAMS });
await platform.start();
if (configFile) {
  const oa = JSON.parse(readFileSync(configFile, 'utf8')) as OaConnectorConfig;
  platform.oa.configure({ ...oa, signet: { ...oa.signet, baseUrl: () => baseUrl } });
}
const server = createApp({ installation, platform, nonces: platform.storage.nonces }).listen(0, '127.0.0.1', () => {
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  process.stdout.write(`listening ${baseUrl}\n`);
});
setInterval(() => undefined, 1000); // until the kill

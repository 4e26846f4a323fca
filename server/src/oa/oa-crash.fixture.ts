/**
 * Test fixture for the restart spec of the OA connector: runs a Signet server over the data
 * directory in `argv[2]` with the connector mounted (its configuration, minus the server's own URL,
 * is the JSON file `argv[3]`), and prints `listening <url>`. The spec kills it with SIGKILL in the
 * middle of a stamping job.
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
const config = JSON.parse(readFileSync(configFile, 'utf8')) as OaConnectorConfig;
let baseUrl = 'http://127.0.0.1:1';
const installation = openInstallation({ dataDir, create: false });
const platform = await openPlatform({ installation, baseUrl: () => baseUrl, font: cjkFontBytes(), scrypt: TEST_SCRYPT_PARAMS });
await platform.start();
platform.oa.configure({ ...config, signet: { ...config.signet, baseUrl: () => baseUrl } });
const server = createApp({ installation, platform }).listen(0, '127.0.0.1', () => {
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  process.stdout.write(`listening ${baseUrl}\n`);
});
setInterval(() => undefined, 1000); // until the kill

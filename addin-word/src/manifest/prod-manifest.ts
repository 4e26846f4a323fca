/**
 * The production manifest for a given server: `manifests/manifest.xml` with its placeholder
 * server `https://signet.example.com` replaced, so every URL points at `<server>/addin/`. The
 * server can serve the result at `/addin/manifest.xml`; `npm run addin:build -- --base-url URL`
 * writes it into the build. Node only (reads the committed file).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AddinError } from '../addin-error.js';
import { manifestsDir } from '../build-path.js';

/** The server the committed production manifest names. */
export const PLACEHOLDER_SERVER = 'https://signet.example.com';

/** The path under the server where the add-in is served. */
export const ADDIN_PATH = '/addin/';

let template: string | undefined;

/** The committed production manifest, read once per process. */
export function prodManifestTemplate(): string {
  template ??= readFileSync(join(manifestsDir(), 'manifest.xml'), 'utf8');
  return template;
}

/**
 * The production manifest for `serverUrl` (e.g. `https://sign.example.com` or
 * `https://example.com/signet`). Office loads add-ins only over https, so anything else is refused.
 */
export function renderProdManifest(serverUrl: string): string {
  let u: URL;
  try {
    u = new URL(serverUrl);
  } catch {
    throw new AddinError('INVALID_ARGUMENT', `服务器地址无效：“${serverUrl}”。Invalid server URL "${serverUrl}": give one such as https://sign.example.com.`);
  }
  if (u.protocol !== 'https:') throw new AddinError('INVALID_ARGUMENT', `Office 只加载 HTTPS 加载项。Office loads add-ins over https only; ${serverUrl} is ${u.protocol}.`);
  if (u.search || u.hash || u.username || u.password) throw new AddinError('INVALID_ARGUMENT', `服务器地址不能含查询、片段或账号。The server URL ${serverUrl} must not carry a query, fragment or credentials.`);
  const base = `${u.origin}${u.pathname.replace(/\/+$/, '')}`;
  return prodManifestTemplate()
    .replaceAll(`${PLACEHOLDER_SERVER}${ADDIN_PATH}`, `${base}${ADDIN_PATH}`)
    .replaceAll(`<AppDomain>${PLACEHOLDER_SERVER}</AppDomain>`, `<AppDomain>${u.origin}</AppDomain>`);
}

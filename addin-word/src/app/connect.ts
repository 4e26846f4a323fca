/**
 * Connecting to a Signet server: the user gives its URL, logs in inside an Office dialog (the
 * add-in's `login.html`, a top-level window on the server's own origin), and the dialog hands the
 * session's token and CSRF token back with `messageParent`. The task pane then sends the token as
 * `Authorization: Session <token>`: Word on the web shows the task pane in a third-party iframe,
 * where the session cookie (`SameSite=Lax`) is not sent. It confirms the session with
 * `GET /api/v1/auth/session`. The server URL and the token are remembered in the add-in's storage
 * (partitioned per Office host in Word on the web), so reopening the task pane restores the
 * session until it expires; logging out ends it on the server and forgets the token.
 */
import { AddinError } from '../addin-error.js';
import { normalizeBaseUrl } from '../api/http-signet-api.js';
import type { SessionInfo, SignetApi } from '../api/signet-api.js';
import type { OfficeGateway } from '../office/office-gateway.js';
import type { Preferences } from './app-deps.js';

/** The `type` of the login dialog's message. */
export const LOGIN_MESSAGE_TYPE = 'signet:login';

/** The preference holding the server URL. */
export const SERVER_URL_PREFERENCE = 'serverUrl';

/** The preference holding the session token. */
export const SESSION_TOKEN_PREFERENCE = 'sessionToken';

/** What the login dialog sends back. */
export type LoginMessage =
  | { type: typeof LOGIN_MESSAGE_TYPE; ok: true; csrfToken: string; sessionToken?: string }
  | { type: typeof LOGIN_MESSAGE_TYPE; ok: false; message: string };

/** What connecting needs. */
export interface ConnectDeps {
  gateway: OfficeGateway;
  prefs: Preferences;
  /** Makes the API client for a server URL. */
  createApi(baseUrl: string): SignetApi;
  /** The login dialog's URL for a server (the add-in's own `login.html`, same origin as the task pane). */
  dialogUrl(baseUrl: string): string;
}

/** A live connection. */
export interface Connection {
  api: SignetApi;
  session: SessionInfo;
}

/** The login dialog URL: `login.html` next to the task pane, told which server to use. */
export function loginDialogUrl(taskpaneUrl: string, baseUrl: string): string {
  const u = new URL('login.html', taskpaneUrl);
  u.searchParams.set('server', baseUrl);
  return u.toString();
}

/** Serializes the dialog's message. */
export function loginMessage(m: LoginMessage): string {
  return JSON.stringify(m);
}

/** Parses the dialog's message; throws API_RESPONSE_INVALID for anything else. */
export function parseLoginMessage(raw: string): LoginMessage {
  let m: unknown;
  try {
    m = JSON.parse(raw);
  } catch {
    m = undefined;
  }
  const o = m as Partial<{ type: string; ok: boolean; csrfToken: string; sessionToken: unknown; message: string }> | undefined;
  if (o?.type === LOGIN_MESSAGE_TYPE && o.ok === true && typeof o.csrfToken === 'string' && o.csrfToken && (o.sessionToken === undefined || typeof o.sessionToken === 'string')) {
    return { type: LOGIN_MESSAGE_TYPE, ok: true, csrfToken: o.csrfToken, ...(o.sessionToken ? { sessionToken: o.sessionToken } : {}) };
  }
  if (o?.type === LOGIN_MESSAGE_TYPE && o.ok === false) {
    return { type: LOGIN_MESSAGE_TYPE, ok: false, message: typeof o.message === 'string' ? o.message : '' };
  }
  throw new AddinError('API_RESPONSE_INVALID', '登录窗口返回了无法识别的消息。The login dialog sent an unexpected message: close it and try again.');
}

/** Connects: validates the URL, runs the login dialog, confirms the session and remembers the URL and token. */
export async function connect(deps: ConnectDeps, serverUrl: string): Promise<Connection> {
  const baseUrl = normalizeBaseUrl(serverUrl);
  const api = deps.createApi(baseUrl);
  const msg = parseLoginMessage(await deps.gateway.openDialog(deps.dialogUrl(baseUrl), { width: 35, height: 65 }));
  if (!msg.ok) {
    throw new AddinError('LOGIN_FAILED', msg.message || '登录未完成。The login did not complete: try again.');
  }
  api.useSession({ csrfToken: msg.csrfToken, ...(msg.sessionToken ? { sessionToken: msg.sessionToken } : {}) });
  const session = await api.session();
  if (!session) {
    throw new AddinError('AUTH_REQUIRED', '登录成功，但任务窗格未收到会话。请确认服务器地址与加载项同源后重试。The login succeeded but the task pane did not get the session: use the server the add-in is served from, and retry.');
  }
  deps.prefs.set(SERVER_URL_PREFERENCE, baseUrl);
  if (msg.sessionToken) deps.prefs.set(SESSION_TOKEN_PREFERENCE, msg.sessionToken);
  else deps.prefs.remove(SESSION_TOKEN_PREFERENCE);
  return { api, session };
}

/** Restores the remembered connection when its session is still alive; undefined otherwise. */
export async function restoreConnection(deps: ConnectDeps): Promise<Connection | undefined> {
  const baseUrl = deps.prefs.get(SERVER_URL_PREFERENCE);
  if (!baseUrl) return undefined;
  const api = deps.createApi(baseUrl);
  const sessionToken = deps.prefs.get(SESSION_TOKEN_PREFERENCE);
  if (sessionToken) api.useSession({ csrfToken: '', sessionToken });
  try {
    const session = await api.session();
    if (!session) deps.prefs.remove(SESSION_TOKEN_PREFERENCE);
    return session ? { api, session } : undefined;
  } catch {
    return undefined;
  }
}

/** Logs out and forgets the token; the server URL stays remembered for the next login. */
export async function disconnect(deps: Pick<ConnectDeps, 'prefs'>, connection: Connection): Promise<void> {
  try {
    await connection.api.logout();
  } finally {
    deps.prefs.remove(SESSION_TOKEN_PREFERENCE);
  }
}

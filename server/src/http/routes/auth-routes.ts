/**
 * Login, session and logout for people (console, Word add-in), and `whoami` for every caller.
 * The checks themselves (passwords, codes, lockout) belong to the directory behind
 * {@link PersonDirectory}; these routes only open and close sessions.
 */
import { ENTERPRISE_ROLES, SignetError, type Actor } from '@signet/core';
import type { PersonDirectory } from '../../auth/person-directory.js';
import type { SessionManager, SessionRecord } from '../../auth/session-manager.js';
import { csrfTokenFor } from '../../auth/session-manager.js';
import { defineRoute, reply, schemaRef, type JsonSchema } from '../route.js';
import type { RouteModule } from '../route-registry.js';

/** What login and `GET /auth/session` return. */
export interface SessionView {
  userId: string;
  enterpriseId?: string;
  actor: Actor;
  /** Send it as X-CSRF-Token on POST, PUT, PATCH and DELETE. */
  csrfToken: string;
  expiresAt: string;
  /** Only from a login that asked for it (`sessionToken: true`): send it as `Authorization: Session <token>`. */
  sessionToken?: string;
}

const str = (description: string, max = 256): JsonSchema => ({ type: 'string', minLength: 1, maxLength: max, description });

const ACTOR: JsonSchema = {
  description: '当前身份 Who is acting',
  oneOf: [
    { type: 'object', required: ['kind', 'userId', 'enterpriseId', 'roles'], properties: { kind: { const: 'member' }, userId: { type: 'string' }, enterpriseId: { type: 'string' }, roles: { type: 'array', items: { enum: [...ENTERPRISE_ROLES] } } } },
    { type: 'object', required: ['kind', 'userId'], properties: { kind: { const: 'person' }, userId: { type: 'string' } } },
    { type: 'object', required: ['kind', 'appId', 'enterpriseId'], properties: { kind: { const: 'app' }, appId: { type: 'string' }, enterpriseId: { type: 'string' } } },
    { type: 'object', required: ['kind', 'contractId', 'signerId', 'linkId'], properties: { kind: { const: 'link' }, contractId: { type: 'string' }, signerId: { type: 'string' }, linkId: { type: 'string' } } },
    { type: 'object', required: ['kind', 'reason'], properties: { kind: { const: 'system' }, reason: { type: 'string' } } },
  ],
};

const SESSION: JsonSchema = {
  type: 'object',
  required: ['userId', 'actor', 'csrfToken', 'expiresAt'],
  properties: {
    userId: { type: 'string' },
    enterpriseId: { type: 'string' },
    actor: schemaRef('Actor'),
    csrfToken: { type: 'string', description: 'Send it as X-CSRF-Token on POST, PUT, PATCH and DELETE made with the session cookie' },
    expiresAt: { type: 'string', format: 'date-time' },
    sessionToken: {
      type: 'string',
      description: '会话令牌（仅当登录请求 sessionToken: true 时返回一次）The session token, returned once and only to a login that asked for it: send it as Authorization: Session <token> where cookies are not sent (the Word add-in in Word on the web). It expires and ends with the session, and needs no X-CSRF-Token.',
    },
  },
};

const SET_COOKIE = { 'Set-Cookie': { description: 'The session cookie (HttpOnly; SameSite=Lax; Path=/; Secure over https)', schema: { type: 'string' } } };
const MOBILE = str('手机号 Mainland mobile number, 11 digits', 32);
const ENTERPRISE = str('以哪个企业身份登录 The enterprise to act for (default: the directory\'s choice)', 128);
const WANT_TOKEN: JsonSchema = { type: 'boolean', description: '同时返回会话令牌 Also return the session token in the body (for clients whose requests carry no cookie, such as the Word add-in in Word on the web)' };

/** The services the auth routes use. */
export interface AuthRouteDeps {
  sessions: SessionManager;
  directory: PersonDirectory;
}

/** The auth routes. */
export function authRoutes(s: AuthRouteDeps): RouteModule {
  const view = (sessionId: string, rec: SessionRecord, actor: Actor): SessionView => ({
    userId: rec.userId,
    ...(rec.enterpriseId ? { enterpriseId: rec.enterpriseId } : {}),
    actor,
    csrfToken: csrfTokenFor(sessionId),
    expiresAt: rec.expiresAt,
  });
  const actorOrRefuse = async (userId: string, enterpriseId: string | undefined) => {
    const actor = await s.directory.actorFor(userId, enterpriseId);
    if (actor) return actor;
    if (enterpriseId) throw new SignetError('NOT_FOUND', `您不是该企业的成员。You are not a member of enterprise ${enterpriseId}: log in without enterpriseId, or ask its admin for an invitation.`);
    throw new SignetError('LOGIN_FAILED', '登录失败。Login failed: the account is no longer available.');
  };
  const open = async (userId: string, enterpriseId: string | undefined, withToken: boolean | undefined) => {
    const actor = await actorOrRefuse(userId, enterpriseId);
    const created = await s.sessions.create(userId, enterpriseId);
    const body = { ...view(created.sessionId, created.record, actor), ...(withToken ? { sessionToken: created.sessionId } : {}) };
    return reply.json(body, { headers: { 'Set-Cookie': s.sessions.cookie(created) } });
  };
  const sessionOf = (auth: { via: string; sessionId?: string; session?: SessionRecord }) => {
    if (auth.via !== 'session' || !auth.sessionId || !auth.session) throw new SignetError('AUTH_REQUIRED', '请先登录。Log in first.');
    return { sessionId: auth.sessionId, session: auth.session };
  };
  const loginResponses = { 200: { description: 'Logged in: the session cookie is set', schema: schemaRef('Session'), headers: SET_COOKIE } };

  return {
    schemas: { Actor: ACTOR, Session: SESSION },
    tags: [{ name: 'auth', description: '登录与会话 Login, sessions and who is calling' }],
    routes: [
      defineRoute<{ body: { mobile: string; password: string; enterpriseId?: string; sessionToken?: boolean } }>({
        operationId: 'loginWithPassword',
        method: 'post',
        path: '/api/v1/auth/login/password',
        summary: '密码登录 Log in with mobile number and password',
        tags: ['auth'],
        auth: ['public'],
        body: { kind: 'json', maxBytes: 4096, schema: { type: 'object', additionalProperties: false, required: ['mobile', 'password'], properties: { mobile: MOBILE, password: { ...str('登录密码 Login password'), format: 'password' }, enterpriseId: ENTERPRISE, sessionToken: WANT_TOKEN } } },
        responses: loginResponses,
        errors: ['LOGIN_FAILED', 'PASSWORD_LOCKED', 'RATE_LIMITED', 'NOT_FOUND'],
        handler: async ({ body }) => open((await s.directory.loginWithPassword(body.mobile, body.password)).userId, body.enterpriseId, body.sessionToken),
      }),
      defineRoute<{ body: { mobile: string }; result: { expiresAt: string } }>({
        operationId: 'sendLoginOtp',
        method: 'post',
        path: '/api/v1/auth/otp',
        summary: '发送登录验证码 Send a login code by SMS',
        tags: ['auth'],
        auth: ['public'],
        body: { kind: 'json', maxBytes: 1024, schema: { type: 'object', additionalProperties: false, required: ['mobile'], properties: { mobile: MOBILE } } },
        responses: { 202: { description: 'The code is on its way (also for unknown numbers, so that numbers cannot be probed)', schema: { type: 'object', required: ['expiresAt'], properties: { expiresAt: { type: 'string', format: 'date-time' } } } } },
        errors: ['RATE_LIMITED', 'MESSAGE_SEND_FAILED'],
        handler: async ({ body }) => reply.json({ expiresAt: (await s.directory.sendLoginOtp(body.mobile)).expiresAt.toISOString() }, { status: 202 }),
      }),
      defineRoute<{ body: { mobile: string; code: string; enterpriseId?: string; sessionToken?: boolean } }>({
        operationId: 'loginWithOtp',
        method: 'post',
        path: '/api/v1/auth/login/otp',
        summary: '验证码登录 Log in with mobile number and SMS code',
        tags: ['auth'],
        auth: ['public'],
        body: { kind: 'json', maxBytes: 4096, schema: { type: 'object', additionalProperties: false, required: ['mobile', 'code'], properties: { mobile: MOBILE, code: { type: 'string', pattern: '^[0-9]{4,8}$', description: '短信验证码 The code from the SMS' }, enterpriseId: ENTERPRISE, sessionToken: WANT_TOKEN } } },
        responses: loginResponses,
        errors: ['OTP_INVALID', 'OTP_EXPIRED', 'OTP_LOCKED', 'LOGIN_FAILED', 'RATE_LIMITED', 'NOT_FOUND'],
        handler: async ({ body }) => open((await s.directory.loginWithOtp(body.mobile, body.code)).userId, body.enterpriseId, body.sessionToken),
      }),
      defineRoute<{ result: SessionView }>({
        operationId: 'getSession',
        method: 'get',
        path: '/api/v1/auth/session',
        summary: '当前会话 The current session and its CSRF token',
        tags: ['auth'],
        auth: ['session'],
        responses: { 200: { description: 'The session', schema: schemaRef('Session') } },
        handler: ({ actor, auth }) => {
          const { sessionId, session } = sessionOf(auth);
          return view(sessionId, session, actor);
        },
      }),
      defineRoute<{ body: { enterpriseId: string }; result: SessionView }>({
        operationId: 'switchEnterprise',
        method: 'put',
        path: '/api/v1/auth/session',
        summary: '切换企业 Act for another enterprise in this session',
        tags: ['auth'],
        auth: ['session'],
        body: { kind: 'json', maxBytes: 1024, schema: { type: 'object', additionalProperties: false, required: ['enterpriseId'], properties: { enterpriseId: ENTERPRISE } } },
        responses: { 200: { description: 'The session, now acting for the enterprise', schema: schemaRef('Session') } },
        errors: ['NOT_FOUND'],
        handler: async ({ body, auth }) => {
          const { sessionId, session } = sessionOf(auth);
          const actor = await actorOrRefuse(session.userId, body.enterpriseId);
          const rec = await s.sessions.setEnterprise(sessionId, body.enterpriseId);
          if (!rec) throw new SignetError('AUTH_REQUIRED', '会话已结束，请重新登录。The session has ended: log in again.');
          return view(sessionId, rec, actor);
        },
      }),
      defineRoute({
        operationId: 'logout',
        method: 'post',
        path: '/api/v1/auth/logout',
        summary: '退出登录 Log out (end the session)',
        tags: ['auth'],
        auth: ['session'],
        responses: { 204: { description: 'The session has ended and its cookie is cleared', headers: SET_COOKIE } },
        handler: async ({ auth }) => {
          await s.sessions.revoke(sessionOf(auth).sessionId);
          return reply.empty(204, { 'Set-Cookie': s.sessions.clearingCookie() });
        },
      }),
      defineRoute<{ result: { actor: Actor } }>({
        operationId: 'whoami',
        method: 'get',
        path: '/api/v1/auth/whoami',
        summary: '我是谁 Who the server takes the caller for (test your signature here)',
        tags: ['auth'],
        auth: ['app', 'session', 'link'],
        responses: { 200: { description: 'The caller', schema: { type: 'object', required: ['actor'], properties: { actor: schemaRef('Actor') } } } },
        handler: ({ actor }) => ({ actor }),
      }),
    ],
  };
}

/**
 * The signed-in person (`/me`): who they are, their memberships and the enterprise they act for,
 * switching it, their login and signing passwords, and their saved handwritten signatures and
 * personal seals. Every change goes through the directory or the identity services, which check
 * that only the user changes their own account and record it in the user's audit chain.
 */
import {
  SignetError, drawingToSvg, normalizeStrokes, personalSealText, sealImage, squareSeal,
  type Actor, type MembershipView, type SavedMark,
} from '@signet/core';
import { csrfTokenFor, type SessionManager } from '../../auth/session-manager.js';
import type { AuthInfo } from '../../auth/request-authenticator.js';
import type { Platform } from '../../platform.js';
import { defineRoute, reply, schemaRef, type JsonSchema } from '../route.js';
import type { RouteModule } from '../route-registry.js';
import type { SessionView } from './auth-routes.js';
import { imageToSvg } from './image-svg.js';
import { itemsSchema, platformOf, text, userOf } from './route-helpers.js';

const REAL_NAME: JsonSchema = {
  type: 'object',
  description: '实名状态 Real-name verification status',
  required: ['status'],
  properties: {
    status: { enum: ['unverified', 'pending', 'verified'] },
    method: { type: 'string' },
    verifiedAt: { type: 'string', format: 'date-time' },
    verificationId: { type: 'string' },
  },
};

const ME: JsonSchema = {
  type: 'object',
  description: '当前用户 The signed-in person',
  required: ['user', 'memberships', 'actor'],
  properties: {
    user: {
      type: 'object',
      required: ['id', 'mobileMasked', 'realName', 'hasLoginPassword', 'hasSigningPassword', 'createdAt'],
      properties: {
        id: { type: 'string' },
        name: { type: 'string' },
        mobileMasked: { type: 'string', description: '185****5544' },
        idNumberMasked: { type: 'string', description: '1101**********002X, once verified' },
        realName: schemaRef('RealNameStatus'),
        hasLoginPassword: { type: 'boolean' },
        hasSigningPassword: { type: 'boolean', description: '是否已设置签署密码 Whether a signing password is set' },
        createdAt: { type: 'string', format: 'date-time' },
      },
    },
    memberships: { type: 'array', items: schemaRef('Membership') },
    currentEnterprise: {
      type: 'object',
      description: '当前代表的企业 The enterprise this session acts for',
      required: ['id', 'name', 'realName'],
      properties: { id: { type: 'string' }, name: { type: 'string' }, realName: schemaRef('RealNameStatus'), roles: { type: 'array', items: { type: 'string' } } },
    },
    actor: schemaRef('Actor'),
  },
};

const MEMBERSHIP: JsonSchema = {
  type: 'object',
  required: ['enterpriseId', 'enterpriseName', 'roles', 'joinedAt'],
  properties: { enterpriseId: { type: 'string' }, enterpriseName: { type: 'string' }, roles: { type: 'array', items: { type: 'string' } }, joinedAt: { type: 'string', format: 'date-time' } },
};

const MARK: JsonSchema = {
  type: 'object',
  description: '保存的手写签名或个人印章 A saved handwritten signature or personal seal',
  required: ['id', 'kind', 'createdAt', 'svg'],
  properties: {
    id: { type: 'string' },
    kind: { enum: ['handwritten_signature', 'personal_seal'] },
    label: { type: 'string' },
    createdAt: { type: 'string', format: 'date-time' },
    svg: { type: 'string', description: 'The image as an SVG document, for previews' },
  },
};

const PASSWORD_BODY = (what: string): JsonSchema => ({
  type: 'object',
  additionalProperties: false,
  required: ['newPassword'],
  properties: {
    newPassword: { ...text(`新${what} The new ${what === '登录密码' ? 'login' : 'signing'} password`, 64), format: 'password' },
    currentPassword: { ...text(`当前${what} The current one (required when one is set)`, 64), format: 'password' },
  },
});

/** A saved mark as the API shows it. */
export interface MarkView {
  id: string;
  kind: SavedMark['kind'];
  label?: string;
  createdAt: string;
  svg: string;
}

/** The body of `POST /me/signatures`. */
interface NewMark {
  kind: SavedMark['kind'];
  label?: string;
  strokes?: unknown[];
  image?: string;
  text?: string;
  style?: 'yang' | 'yin';
}

/** The services the `/me` routes use. */
export interface MeRouteDeps {
  sessions: SessionManager;
  platform?: Platform;
}

function sessionOf(auth: AuthInfo) {
  if (auth.via !== 'session') throw new SignetError('AUTH_REQUIRED', '请先登录。Log in first.');
  return auth;
}

/** The `/me` routes. */
export function meRoutes(s: MeRouteDeps): RouteModule {
  const p = () => platformOf(s);
  const svgCache = new Map<string, string>();
  const markView = async (m: SavedMark): Promise<MarkView> => {
    let svg = svgCache.get(m.blobId);
    if (!svg) {
      svg = imageToSvg(await p().deps.blobs.get(m.blobId));
      if (svgCache.size > 1000) svgCache.clear();
      svgCache.set(m.blobId, svg);
    }
    return { id: m.id, kind: m.kind, ...(m.label ? { label: m.label } : {}), createdAt: m.createdAt, svg };
  };

  const markBytes = async (actor: Actor, b: NewMark): Promise<Uint8Array> => {
    const given = [b.strokes !== undefined, b.image !== undefined, b.text !== undefined || b.style !== undefined].filter(Boolean).length;
    if (given > 1) throw new SignetError('INVALID_ARGUMENT', '请只给出 strokes、image 或 text/style 之一。Give one of strokes, image, or text/style (a generated personal seal).');
    if (b.strokes !== undefined) {
      if (b.kind !== 'handwritten_signature') throw new SignetError('INVALID_ARGUMENT', '笔迹只能保存为手写签名。Strokes make a handwritten_signature, not a personal_seal.');
      return Buffer.from(JSON.stringify({ strokes: normalizeStrokes(b.strokes) }), 'utf8');
    }
    if (b.image !== undefined) {
      const bytes = Buffer.from(b.image, 'base64');
      sealImage(bytes);
      return bytes;
    }
    if (b.kind !== 'personal_seal') throw new SignetError('INVALID_ARGUMENT', '手写签名需要 strokes 或 image。A handwritten_signature needs strokes or an image.');
    const user = await p().directory.getUser(userOf(actor));
    const sealText = b.text ?? (user?.name && user.realName.status === 'verified' ? personalSealText(user.name) : undefined);
    if (!sealText) throw new SignetError('INVALID_ARGUMENT', '请给出印章文字 text，或先完成实名认证。Give the seal text, or pass real-name verification first so that your name is known.');
    return Buffer.from(drawingToSvg(squareSeal({ text: sealText, style: b.style, font: p().deps.font })), 'utf8');
  };

  const sessionView = async (sessionId: string, userId: string, enterpriseId: string): Promise<SessionView> => {
    const actor = await p().personDirectory.actorFor(userId, enterpriseId);
    if (!actor) throw new SignetError('NOT_FOUND', `您不是企业 ${enterpriseId} 的成员。You are not a member of enterprise ${enterpriseId}; ask its admin for an invitation.`);
    const rec = await s.sessions.setEnterprise(sessionId, enterpriseId);
    if (!rec) throw new SignetError('AUTH_REQUIRED', '会话已结束，请重新登录。The session has ended: log in again.');
    return { userId, enterpriseId, actor, csrfToken: csrfTokenFor(sessionId), expiresAt: rec.expiresAt };
  };

  return {
    schemas: { Me: ME, Membership: MEMBERSHIP, RealNameStatus: REAL_NAME, SavedMark: MARK },
    tags: [{ name: 'me', description: '我的账户 The signed-in person: memberships, passwords, saved signatures' }],
    routes: [
      defineRoute({
        operationId: 'getMe',
        method: 'get',
        path: '/api/v1/me',
        summary: '当前用户 Me: memberships, the enterprise I act for, real-name status, whether my signing password is set',
        tags: ['me'],
        auth: ['session'],
        responses: { 200: { description: 'The signed-in person', schema: schemaRef('Me') } },
        errors: ['NOT_FOUND', 'FORBIDDEN'],
        handler: async ({ actor }) => {
          const userId = userOf(actor);
          const u = await p().directory.getUser(userId);
          if (!u) throw new SignetError('AUTH_REQUIRED', '账户不存在，请重新登录。The account no longer exists: log in again.');
          const memberships: MembershipView[] = await p().directory.membershipsOf(userId);
          const current = actor.kind === 'member' ? await p().directory.getEnterprise(actor.enterpriseId) : undefined;
          return {
            user: {
              id: u.id, ...(u.name ? { name: u.name } : {}), mobileMasked: u.mobileMasked, ...(u.idNumberMasked ? { idNumberMasked: u.idNumberMasked } : {}),
              realName: u.realName, hasLoginPassword: u.hasLoginPassword, hasSigningPassword: u.hasSigningPassword, createdAt: u.createdAt,
            },
            memberships: memberships.map((m) => ({ enterpriseId: m.enterpriseId, enterpriseName: m.enterpriseName, roles: m.roles, joinedAt: m.joinedAt })),
            ...(current && actor.kind === 'member' ? { currentEnterprise: { id: current.id, name: current.name, realName: current.realName, roles: [...actor.roles] } } : {}),
            actor,
          };
        },
      }),
      defineRoute<{ body: { enterpriseId: string }; result: SessionView }>({
        operationId: 'switchMyEnterprise',
        method: 'put',
        path: '/api/v1/me/enterprise',
        summary: '切换企业 Act for another of my enterprises (returns the new session view)',
        tags: ['me'],
        auth: ['session'],
        body: { kind: 'json', maxBytes: 1024, schema: { type: 'object', additionalProperties: false, required: ['enterpriseId'], properties: { enterpriseId: text('企业ID The enterprise to act for', 128) } } },
        responses: { 200: { description: 'The session, now acting for the enterprise', schema: schemaRef('Session') } },
        errors: ['NOT_FOUND'],
        handler: async ({ body, auth, actor }) => sessionView(sessionOf(auth).sessionId, userOf(actor), body.enterpriseId),
      }),
      defineRoute<{ body: { newPassword: string; currentPassword?: string } }>({
        operationId: 'setMySigningPassword',
        method: 'put',
        path: '/api/v1/me/signing-password',
        summary: '设置或修改签署密码 Set or change my signing password (6–64 characters, not 123456-like)',
        tags: ['me'],
        auth: ['session'],
        body: { kind: 'json', maxBytes: 1024, schema: PASSWORD_BODY('签署密码') },
        responses: { 204: { description: 'Set' } },
        errors: ['PASSWORD_WEAK', 'PASSWORD_INVALID', 'PASSWORD_LOCKED', 'PASSWORD_NOT_SET', 'FORBIDDEN', 'NOT_FOUND'],
        handler: async ({ actor, body }) => {
          await p().passwords.set(actor, userOf(actor), body.newPassword, body.currentPassword);
          return reply.empty();
        },
      }),
      defineRoute<{ body: { newPassword: string; currentPassword?: string } }>({
        operationId: 'setMyLoginPassword',
        method: 'put',
        path: '/api/v1/me/login-password',
        summary: '设置或修改登录密码 Set or change my login password (8–64 characters, two of letters, digits, symbols)',
        tags: ['me'],
        auth: ['session'],
        body: { kind: 'json', maxBytes: 1024, schema: PASSWORD_BODY('登录密码') },
        responses: { 204: { description: 'Set' } },
        errors: ['PASSWORD_WEAK', 'PASSWORD_INVALID', 'PASSWORD_LOCKED', 'FORBIDDEN', 'NOT_FOUND'],
        handler: async ({ actor, body }) => {
          await p().login.setLoginPassword(actor, userOf(actor), body.newPassword, body.currentPassword);
          return reply.empty();
        },
      }),
      defineRoute<{ result: { items: MarkView[] } }>({
        operationId: 'listMySignatures',
        method: 'get',
        path: '/api/v1/me/signatures',
        summary: '我的签名和个人印章 My saved handwritten signatures and personal seals',
        tags: ['me'],
        auth: ['session'],
        responses: { 200: { description: 'Saved marks, oldest first', schema: itemsSchema(schemaRef('SavedMark'), 'Saved marks') } },
        errors: ['FORBIDDEN', 'IMAGE_INVALID'],
        handler: async ({ actor }) => {
          const u = await p().directory.getUser(userOf(actor));
          return { items: await Promise.all((u?.marks ?? []).map(markView)) };
        },
      }),
      defineRoute<{ body: NewMark; result: MarkView }>({
        operationId: 'saveMySignature',
        method: 'post',
        path: '/api/v1/me/signatures',
        summary: '保存手写签名或个人印章 Save a handwritten signature (strokes or image) or a personal seal (generated or image)',
        description: 'Give exactly one of: `strokes` (pointer events as signature_pad gives them: `[[{x, y, time?, pressure?}, …], …]`, a handwritten_signature), '
          + '`image` (base64 PNG, JPEG or SVG, at most 2 MB), or nothing but `text`/`style` for a generated square personal seal (default text: 张三之印 from your verified name). At most 20 marks.',
        tags: ['me'],
        auth: ['session'],
        body: {
          kind: 'json',
          maxBytes: 3 * 1024 * 1024,
          schema: {
            type: 'object',
            additionalProperties: false,
            required: ['kind'],
            properties: {
              kind: { enum: ['handwritten_signature', 'personal_seal'] },
              label: text('名称 A label', 50),
              strokes: { type: 'array', minItems: 1, maxItems: 500, description: 'Strokes: arrays of {x, y, time?, pressure?} points' },
              image: { type: 'string', minLength: 8, maxLength: 2_900_000, contentEncoding: 'base64', description: 'base64 of a PNG, JPEG or SVG' },
              text: text('印章文字 Personal seal text, e.g. 张三之印', 9),
              style: { enum: ['yang', 'yin'], description: '阳文 red characters, or 阴文 white characters on red' },
            },
          },
        },
        responses: { 201: { description: 'Saved', schema: schemaRef('SavedMark') } },
        errors: ['IMAGE_INVALID', 'SVG_UNSUPPORTED', 'SEAL_TEXT_TOO_LONG', 'FORBIDDEN', 'NOT_FOUND'],
        handler: async ({ actor, body }) => {
          const bytes = await markBytes(actor, body);
          const blobId = await p().deps.blobs.put(bytes);
          const mark = await p().directory.addMark(actor, userOf(actor), { kind: body.kind, blobId, label: body.label });
          return reply.json(await markView(mark), { status: 201 });
        },
      }),
    ],
  };
}

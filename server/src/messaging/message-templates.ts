/**
 * The texts of outgoing messages, zh-CN first with English alongside, from a template name and its
 * parameters. SMS gateways that keep their own templates get the name and parameters too.
 */
import type { OutgoingMessage } from '@signet/core';

type Render = (p: Record<string, string>, sign: string) => string;

const TEMPLATES: Record<string, Render> = {
  otp: (p, s) => `【${s}】验证码 ${p.code}，${p.minutes} 分钟内有效，请勿告诉他人。Your ${s} code is ${p.code}, valid for ${p.minutes} min; never share it.`,
  invite: (p, s) => `【${s}】${p.enterprise} 邀请您加入，请打开 ${p.link} 。${p.enterprise} invites you to join it on ${s}: ${p.link}`,
  'sign-invite': (p, s) => `【${s}】${p.sender} 请您签署《${p.title}》，请打开 ${p.url} 。${p.sender} asks you to sign "${p.title}": ${p.url}`,
};

/** The template names that have a text of their own; others get a generic text listing their parameters. */
export const MESSAGE_TEMPLATES: readonly string[] = Object.keys(TEMPLATES);

/** Renders `message` as one line of text signed with `sign` (the SMS signature, 短信签名; default `Signet`). */
export function renderMessage(message: OutgoingMessage, sign = 'Signet'): string {
  const t = TEMPLATES[message.template];
  if (t) return t(message.params, sign);
  const params = Object.entries(message.params).map(([k, v]) => `${k}=${v}`).join(', ');
  return `【${sign}】${message.template}: ${params}`;
}

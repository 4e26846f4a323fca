import assert from 'node:assert/strict';
import { FixedClock, InMemoryRecordStore } from '@signet/core/testing';
import { SessionManager, csrfTokenFor, hashSessionId, type SessionRecord } from './session-manager.js';

describe('SessionManager', () => {
  const make = (secureCookie = false) => {
    const records = new InMemoryRecordStore();
    const clock = new FixedClock();
    return { records, clock, sessions: new SessionManager({ records, clock, ttlSeconds: 3600, secureCookie }) };
  };

  it('stores only the SHA-256 of the session id, never the id itself', async () => {
    const { records, sessions } = make();
    const s = await sessions.create('u_1', 'ent_a');
    assert.match(s.sessionId, /^[A-Za-z0-9_-]{43}$/);
    const stored = await records.collection<SessionRecord>({ name: 'auth_sessions' }).scan();
    assert.equal(stored.length, 1);
    assert.equal(stored[0].id, hashSessionId(s.sessionId));
    assert.ok(!JSON.stringify(stored).includes(s.sessionId));
    assert.ok(!JSON.stringify(stored).includes(s.csrfToken), 'the CSRF token is derived, not stored');
    assert.equal((await sessions.resolve(s.sessionId))?.userId, 'u_1');
  });

  it('gives every login a new session id', async () => {
    const { sessions } = make();
    const a = await sessions.create('u_1');
    const b = await sessions.create('u_1');
    assert.notEqual(a.sessionId, b.sessionId);
    assert.notEqual(a.csrfToken, b.csrfToken);
  });

  it('expires a session at its lifetime and ends it on revoke', async () => {
    const { clock, sessions } = make();
    const a = await sessions.create('u_1');
    const b = await sessions.create('u_2');
    clock.advance(3599_000);
    assert.ok(await sessions.resolve(a.sessionId));
    await sessions.revoke(b.sessionId);
    assert.equal(await sessions.resolve(b.sessionId), undefined);
    clock.advance(1000);
    assert.equal(await sessions.resolve(a.sessionId), undefined);
  });

  it('writes an HttpOnly, SameSite=Lax, Path=/ cookie; Secure with the __Host- prefix over https', async () => {
    const plain = make(false).sessions;
    const s = await plain.create('u_1');
    assert.equal(plain.cookie(s), `signet_session=${s.sessionId}; Path=/; HttpOnly; SameSite=Lax; Max-Age=3600`);
    assert.equal(plain.clearingCookie(), 'signet_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0');
    const secure = make(true).sessions;
    const t = await secure.create('u_1');
    assert.equal(secure.cookie(t), `__Host-signet_session=${t.sessionId}; Path=/; HttpOnly; SameSite=Lax; Secure; Max-Age=3600`);
    assert.equal(secure.sessionIdFrom(`a=b; __Host-signet_session=${t.sessionId}; c=d`), t.sessionId);
    assert.equal(secure.sessionIdFrom(`signet_session=${t.sessionId}`), undefined);
  });

  it('accepts only the session\'s own CSRF token', async () => {
    const { sessions } = make();
    const a = await sessions.create('u_1');
    const b = await sessions.create('u_1');
    assert.equal(a.csrfToken, csrfTokenFor(a.sessionId));
    assert.ok(sessions.checkCsrf(a.sessionId, a.csrfToken));
    assert.ok(!sessions.checkCsrf(a.sessionId, b.csrfToken));
    assert.ok(!sessions.checkCsrf(a.sessionId, undefined));
    assert.ok(!sessions.checkCsrf(a.sessionId, [a.csrfToken, a.csrfToken]));
    assert.ok(!sessions.checkCsrf(a.sessionId, a.csrfToken.slice(1)));
  });

  it('resolves nothing for a malformed or unknown cookie value', async () => {
    const { sessions } = make();
    assert.equal(await sessions.resolve('x'), undefined);
    assert.equal(await sessions.resolve('A'.repeat(43)), undefined);
  });
});

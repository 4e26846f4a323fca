import assert from 'node:assert/strict';
import { isSignetError } from '@signet/core';
import { fromPgError } from './pg-errors.js';

/** A node-postgres DatabaseError as the driver builds it: an Error with the SQLSTATE in `code`. */
function pgError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

describe('storage/fromPgError', () => {
  it('names what to fix in DATABASE_URL when the database does not exist or the login is refused', () => {
    const missing = fromPgError(pgError('3D000', 'database "nosuchdb" does not exist'), 'opening the database');
    assert.ok(isSignetError(missing, 'STORAGE_UNAVAILABLE'), String(missing));
    assert.match(missing.message, /database "nosuchdb" does not exist/);
    assert.match(missing.message, /CREATE DATABASE|database name in DATABASE_URL/);
    assert.equal(missing.details?.sqlState, '3D000');

    const login = fromPgError(pgError('28P01', 'password authentication failed for user "signet"'), 'opening the database');
    assert.ok(isSignetError(login, 'STORAGE_UNAVAILABLE'), String(login));
    assert.match(login.message, /user name or password in DATABASE_URL/);

    const privilege = fromPgError(pgError('42501', 'permission denied for schema public'), 'the schema migration');
    assert.ok(isSignetError(privilege, 'STORAGE_UNAVAILABLE'), String(privilege));
    assert.match(privilege.message, /OWNER|grant/);
  });

  it('keeps the codes it already gave: unavailable, conflicts, schema, and other errors unchanged', () => {
    assert.ok(isSignetError(fromPgError(pgError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:1'), 'x'), 'STORAGE_UNAVAILABLE'));
    assert.ok(isSignetError(fromPgError(pgError('40P01', 'deadlock detected'), 'x'), 'VERSION_CONFLICT'));
    assert.ok(isSignetError(fromPgError(pgError('42P01', 'relation "records" does not exist'), 'x'), 'SCHEMA_MISMATCH'));
    const other = pgError('XX000', 'internal');
    assert.equal(fromPgError(other, 'x'), other);
  });
});

/**
 * Turns node-postgres failures into SignetErrors with stable codes, so that callers of the
 * PostgreSQL adapters see the same codes as with the embedded store: a lost connection or a
 * statement timeout is STORAGE_UNAVAILABLE (503), and so are a missing database, a refused login and
 * a missing privilege (saying what to fix); a deadlock or serialization failure is VERSION_CONFLICT
 * (reload and retry); a missing table is SCHEMA_MISMATCH. SQLSTATE codes are those of the
 * PostgreSQL manual, Appendix A.
 */
import { SignetError, isSignetError } from '@signet/core';

/** The fields of a node-postgres DatabaseError (or a socket error) that this module reads. */
interface PgErrorLike {
  code?: string;
  constraint?: string;
  message?: string;
}

const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE']);

/** The SQLSTATE (or socket error code) of `e`, when it has one. */
export function sqlState(e: unknown): string | undefined {
  const code = (e as PgErrorLike | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** True for a unique violation (SQLSTATE 23505), optionally of the named constraint. */
export function isUniqueViolation(e: unknown, constraint?: string): boolean {
  return sqlState(e) === '23505' && (constraint === undefined || (e as PgErrorLike).constraint === constraint);
}

/** True when `e` means the database could not be reached or stopped answering. */
export function isUnavailable(e: unknown): boolean {
  const code = sqlState(e);
  if (code && (SOCKET_CODES.has(code) || code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03' || code === '53300' || code === '57014')) return true;
  const msg = (e as PgErrorLike | undefined)?.message ?? '';
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|connect ECONNREFUSED/i.test(msg);
}

/**
 * `e` as a SignetError: SignetErrors pass through; PostgreSQL and socket errors get the code that
 * says what to do; anything else is returned unchanged (a programming error, reported as is).
 * `what` names the operation for the message, e.g. `insert into contracts`.
 */
export function fromPgError(e: unknown, what: string): unknown {
  if (isSignetError(e)) return e;
  const code = sqlState(e);
  const msg = (e as PgErrorLike | undefined)?.message ?? String(e);
  if (code === '57014') {
    return new SignetError('STORAGE_UNAVAILABLE', `PostgreSQL did not finish ${what} within the statement timeout (SIGNET_PG_STATEMENT_TIMEOUT_MS); nothing was written. Check the database's load and retry`, { sqlState: code });
  }
  if (isUnavailable(e)) {
    return new SignetError('STORAGE_UNAVAILABLE', `PostgreSQL is unavailable during ${what} (${msg}); nothing was written. Check DATABASE_URL and that the database server is running, then retry`, { sqlState: code });
  }
  if (code === '3D000' || code === '28P01' || code === '28000' || code === '42501') {
    // Configuration, not load: name what is wrong with DATABASE_URL or the role (messages carry no password).
    const fix = code === '3D000'
      ? 'create it (CREATE DATABASE … OWNER …) or correct the database name in DATABASE_URL'
      : code === '42501'
        ? 'give the role of DATABASE_URL its own database (CREATE DATABASE … OWNER that role), or grant it the privilege'
        : 'correct the user name or password in DATABASE_URL, or the server\'s pg_hba.conf';
    return new SignetError('STORAGE_UNAVAILABLE', `PostgreSQL refused ${what} (${msg}); nothing was written. ${fix[0].toUpperCase()}${fix.slice(1)}, then retry`, { sqlState: code });
  }
  if (code === '40001' || code === '40P01') {
    return new SignetError('VERSION_CONFLICT', `A concurrent writer touched the same records during ${what} (${code === '40P01' ? 'deadlock' : 'serialization failure'}); reload and retry`, { sqlState: code });
  }
  if (code === '42P01' || code === '42703') {
    return new SignetError('SCHEMA_MISMATCH', `The database has no Signet schema for ${what} (${msg}). Signet applies its migrations at start; start it (or run \`signet migrate\`) against this DATABASE_URL first`, { sqlState: code });
  }
  if (code === '22P05' || code === '22021' || code === '54000') {
    return new SignetError('INVALID_ARGUMENT', `PostgreSQL refused the data of ${what}: ${msg}. Remove NUL characters and invalid text from keys and ids`, { sqlState: code });
  }
  return e;
}

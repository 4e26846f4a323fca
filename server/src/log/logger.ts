/**
 * The server's structured logger. Every line, message and field goes through {@link maskPii}
 * first, so no ID number, mobile, bank card, OTP or token reaches a log.
 */
import { systemClock, type Clock } from '@signet/core';
import { maskPii, maskPiiText } from './mask-pii.js';

/** Severity, lowest first. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Structured fields of one log line. */
export type LogFields = Record<string, unknown>;

/** A logger: one method per level, and children that add fields to every line. */
export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger that adds `bindings` (e.g. `{ component: 'webhooks' }`) to every line. */
  child(bindings: LogFields): Logger;
}

/** Options for {@link createLogger}. */
export interface LoggerOptions {
  /** `json`: one JSON object per line (default); `text`: `time LEVEL msg key=value …`. */
  format?: 'json' | 'text';
  /** Lines below this level are dropped (default `info`). */
  level?: LogLevel;
  /** Where lines go (default: stdout, warn and error to stderr). Receives masked lines only. */
  sink?: (line: string, level: LogLevel) => void;
  clock?: Clock;
  /** Fields added to every line. */
  bindings?: LogFields;
}

const defaultSink = (line: string, level: LogLevel) => {
  (level === 'warn' || level === 'error' ? process.stderr : process.stdout).write(`${line}\n`);
};

function textValue(v: unknown): string {
  if (typeof v === 'string') return /^[^\s"=]+$/.test(v) ? v : JSON.stringify(v);
  return JSON.stringify(v) ?? String(v);
}

/** Creates a logger whose every line is masked for PII and secrets, as JSON lines or plain text. */
export function createLogger(opts: LoggerOptions = {}): Logger {
  const format = opts.format ?? 'json';
  const min = RANK[opts.level ?? 'info'];
  const sink = opts.sink ?? defaultSink;
  const clock = opts.clock ?? systemClock;
  const make = (bindings: LogFields): Logger => {
    const emit = (level: LogLevel, msg: string, fields?: LogFields) => {
      if (RANK[level] < min) return;
      const masked = maskPii({ ...bindings, ...fields }) as LogFields;
      const time = clock.now().toISOString();
      const text = maskPiiText(String(msg));
      let line: string;
      if (format === 'json') {
        line = JSON.stringify({ time, level, msg: text, ...masked });
      } else {
        const kv = Object.entries(masked).map(([k, v]) => `${k}=${textValue(v)}`);
        line = [time, level.toUpperCase().padEnd(5), text, ...kv].join(' ');
      }
      sink(line, level);
    };
    return {
      debug: (m, f) => emit('debug', m, f),
      info: (m, f) => emit('info', m, f),
      warn: (m, f) => emit('warn', m, f),
      error: (m, f) => emit('error', m, f),
      child: (b) => make({ ...bindings, ...b }),
    };
  };
  return make(opts.bindings ?? {});
}

/**
 * The development MessageSender: instead of sending SMS, it appends each message, OTPs included, to
 * a dev message log under the data directory (`dev-messages.log`, one JSON object a line, mode 0600)
 * that tests and the developer console read. It never writes to stdout or the request log, which
 * must stay free of secrets.
 */
import { appendFile, chmod, readFile, rename, stat } from 'node:fs/promises';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Clock, MessageSender, OutgoingMessage } from '@signet/core';
import { systemClock } from '@signet/core';
import { renderMessage } from './message-templates.js';

/** One line of the dev message log. */
export interface DevMessage {
  /** ISO 8601 time it was "sent". */
  at: string;
  to: string;
  template: string;
  params: Record<string, string>;
  /** The text an SMS would carry. */
  text: string;
}

/** Options of {@link ConsoleMessageSender}. */
export interface ConsoleMessageSenderOptions {
  /** The data directory; the log is `<dataDir>/dev-messages.log`. */
  dataDir: string;
  clock?: Clock;
  /** The SMS signature in texts (default `Signet`). */
  sign?: string;
  /** Past this size the log moves to `dev-messages.log.1` and a new one starts (default 1 MiB). */
  maxBytes?: number;
}

/** The dev message log's file name. */
export const DEV_MESSAGE_LOG = 'dev-messages.log';

/** Writes messages to the dev message log for development and tests. */
export class ConsoleMessageSender implements MessageSender {
  /** The log file. */
  readonly path: string;
  private readonly clock: Clock;
  private readonly maxBytes: number;
  private queue: Promise<void> = Promise.resolve();

  /** A sender logging under `opts.dataDir` (created when missing). */
  constructor(private readonly opts: ConsoleMessageSenderOptions) {
    mkdirSync(opts.dataDir, { recursive: true });
    this.path = join(opts.dataDir, DEV_MESSAGE_LOG);
    this.clock = opts.clock ?? systemClock;
    this.maxBytes = opts.maxBytes ?? 1024 * 1024;
  }

  /** Appends the message to the log; resolves once it is written. */
  send(message: OutgoingMessage): Promise<void> {
    const line: DevMessage = {
      at: this.clock.now().toISOString(), to: message.to, template: message.template, params: { ...message.params },
      text: renderMessage(message, this.opts.sign),
    };
    // One write at a time, so that rotation and appends never interleave.
    const run = this.queue.then(() => this.append(`${JSON.stringify(line)}\n`));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** The logged messages, oldest first, optionally only those to `to`. */
  async read(opts: { to?: string } = {}): Promise<DevMessage[]> {
    await this.queue;
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
    const out: DevMessage[] = [];
    for (const l of text.split('\n')) {
      if (!l.trim()) continue;
      try {
        const m = JSON.parse(l) as DevMessage;
        if (!opts.to || m.to === opts.to) out.push(m);
      } catch {
        // A torn last line (a crash mid-append) is skipped.
      }
    }
    return out;
  }

  /** The code of the latest `otp` message to `to`, or undefined. */
  async latestCode(to: string): Promise<string | undefined> {
    return (await this.read({ to })).reverse().find((m) => m.template === 'otp')?.params.code;
  }

  private async append(line: string): Promise<void> {
    const size = await stat(this.path).then((s) => s.size, () => 0);
    if (size > 0 && size + line.length > this.maxBytes) await rename(this.path, `${this.path}.1`);
    await appendFile(this.path, line, { mode: 0o600 });
    if (size === 0) await chmod(this.path, 0o600);
  }
}

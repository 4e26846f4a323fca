/**
 * The primary process of `signet start --workers N` (node:cluster): it forks N server workers that
 * share one listening port (the primary hands out connections round robin), restarts a worker that
 * dies, and shuts the workers down gracefully on SIGTERM or SIGINT.
 *
 * - **Slots.** Worker slot `i` (1…N) gets `SIGNET_WORKER_ID=i`; a restarted worker keeps its slot.
 * - **Messages** (worker → primary, over the cluster IPC channel): `{ signet: 'ready', url }` once it
 *   listens, `{ signet: 'fatal' }` when it cannot start (the worker has printed why on stderr).
 *   Before the cluster first served, that ends the cluster (bad configuration will not heal);
 *   afterwards the worker is restarted like any other that died.
 * - **Restarts.** A worker that dies is forked again after a delay that starts at `restartDelayMs`
 *   and doubles (up to `maxRestartDelayMs`) while workers keep dying within 10 s of starting.
 * - **Shutdown.** Each worker gets SIGTERM: it stops accepting connections, finishes the requests and
 *   jobs in flight, closes storage and exits. After `shutdownTimeoutMs` the rest get SIGKILL.
 */
import cluster, { type Worker } from 'node:cluster';

/** Options for {@link runClusterPrimary}. */
export interface ClusterPrimaryOptions {
  /** How many workers (at least 1). */
  workers: number;
  /** Environment added to every worker's (the primary's own environment is inherited). */
  env?: Record<string, string>;
  /** Where the primary's own lines go (default: stdout). */
  log?: (line: string) => void;
  /** First restart delay in ms (default 100). */
  restartDelayMs?: number;
  /** Longest restart delay in ms (default 10 000). */
  maxRestartDelayMs?: number;
  /** How long workers get to finish in-flight work on shutdown before SIGKILL, in ms (default 30 000). */
  shutdownTimeoutMs?: number;
  /** Called once every worker is ready for the first time, with the URL they serve. */
  onReady?: (url: string) => void;
}

/** A message a worker sends its primary. */
export type WorkerMessage = { signet: 'ready'; url: string } | { signet: 'fatal' };

interface Slot {
  id: number;
  worker?: Worker;
  startedAt: number;
  ready: boolean;
  everReady: boolean;
  delay: number;
  timer?: NodeJS.Timeout;
}

/**
 * Runs the primary until the cluster shuts down; resolves to the exit code: 0 after a graceful
 * shutdown, 1 when a worker reported a fatal start-up error, did not exit cleanly on shutdown, or had to be killed.
 */
export function runClusterPrimary(opts: ClusterPrimaryOptions): Promise<number> {
  if (!cluster.isPrimary) throw new Error('runClusterPrimary runs in the primary process only');
  const log = opts.log ?? ((l: string) => process.stdout.write(`${l}\n`));
  const base = opts.restartDelayMs ?? 100;
  const maxDelay = opts.maxRestartDelayMs ?? 10_000;
  const slots: Slot[] = Array.from({ length: Math.max(1, opts.workers) }, (_, i) => ({ id: i + 1, startedAt: 0, ready: false, everReady: false, delay: base }));
  let shuttingDown = false;
  let exitCode = 0;
  let announced = false;
  let url = '';

  return new Promise<number>((resolve) => {
    const fork = (slot: Slot) => {
      slot.timer = undefined;
      slot.ready = false;
      slot.startedAt = Date.now();
      const w = cluster.fork({ ...opts.env, SIGNET_WORKER_ID: String(slot.id) });
      slot.worker = w;
      w.on('message', (m: WorkerMessage) => {
        if (m?.signet === 'ready') {
          slot.ready = true;
          slot.everReady = true;
          url = m.url;
          log(`工作进程 worker ${slot.id} ready (pid ${w.process.pid})`);
          if (!announced && slots.every((s) => s.ready)) {
            announced = true;
            log(`Signet 签章 is running at ${url} with ${slots.length} workers`);
            opts.onReady?.(url);
          }
        } else if (m?.signet === 'fatal' && !announced) {
          // Before the cluster ever served, a start-up error is configuration: restarting cannot help.
          // Later (e.g. the database restarting), the exit handler restarts the worker with backoff.
          exitCode = 1;
          shutdown(`worker ${slot.id} could not start`);
        }
      });
      w.once('exit', (code, signal) => {
        slot.worker = undefined;
        slot.ready = false;
        if (shuttingDown) {
          // A worker that did not finish cleanly (killed, or gave up on its in-flight work) makes the exit code 1.
          if (signal || code !== 0) exitCode = 1;
          if (slots.every((s) => !s.worker)) finish();
          return;
        }
        // Dying soon after starting again and again backs off; a worker that ran a while restarts at once.
        slot.delay = Date.now() - slot.startedAt < 10_000 ? Math.min(maxDelay, slot.delay * 2) : base;
        log(`工作进程 worker ${slot.id} (pid ${w.process.pid}) exited (${signal ?? `code ${code}`}); restarting in ${slot.delay} ms`);
        slot.timer = setTimeout(() => fork(slot), slot.delay);
      });
    };

    let killTimer: NodeJS.Timeout | undefined;
    const finish = () => {
      if (killTimer) clearTimeout(killTimer);
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      resolve(exitCode);
    };

    const shutdown = (why: string) => {
      if (shuttingDown) return;
      shuttingDown = true;
      log(`正在停止 Shutting down (${why}): workers finish the requests and jobs in flight…`);
      for (const s of slots) if (s.timer) clearTimeout(s.timer);
      const alive = slots.filter((s) => s.worker);
      if (alive.length === 0) {
        finish();
        return;
      }
      for (const s of alive) s.worker!.process.kill('SIGTERM');
      killTimer = setTimeout(() => {
        exitCode = 1;
        for (const s of slots) if (s.worker) s.worker.process.kill('SIGKILL');
      }, opts.shutdownTimeoutMs ?? 30_000);
    };

    const onSignal = (sig: NodeJS.Signals) => shutdown(sig);
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
    for (const s of slots) fork(s);
  });
}

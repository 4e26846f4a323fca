/**
 * The worker side of `signet start --workers N`: whether this process is a cluster worker, and the
 * messages it sends its primary (see {@link runClusterPrimary}).
 */
import cluster from 'node:cluster';
import type { WorkerMessage } from './cluster-primary.js';

/** True in a process forked by the cluster primary. */
export function isClusterWorker(): boolean {
  return cluster.isWorker;
}

/** Sends `m` to the primary (nothing outside a cluster). */
export function tellPrimary(m: WorkerMessage): void {
  if (cluster.isWorker && process.send) process.send(m);
}

/** Closes the IPC channel to the primary, so that the worker can exit once its work is done. */
export function leavePrimary(): void {
  if (cluster.isWorker && process.connected) process.disconnect();
}

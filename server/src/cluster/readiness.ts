/**
 * Readiness of a server process, for `/readyz` and load balancers (Kubernetes readiness probes, a
 * reverse proxy's health checks): ready means "send me traffic" — storage reachable, schema
 * migrated, platform started and not shutting down. Liveness (`/healthz`) only means the process
 * answers. A failed check is a value, never an exception, and its detail is safe to show publicly.
 */

/** One named check. */
export interface ReadinessCheckResult {
  ok: boolean;
  /** Short, with no host names, credentials or error text. */
  detail: string;
}

/** The answer of `/readyz`. */
export interface ReadinessReport {
  ready: boolean;
  checks: Record<string, ReadinessCheckResult>;
}

/** Something that reports readiness. */
export type ReadinessProbe = () => Promise<ReadinessReport>;

/**
 * Runs every check at once, each bounded by `timeoutMs` (default 2 s, so a probe never hangs on a
 * stuck database), and reports ready only when all pass. A check that throws or times out fails.
 */
export async function runReadinessChecks(checks: Record<string, () => Promise<ReadinessCheckResult> | ReadinessCheckResult>, timeoutMs = 2000): Promise<ReadinessReport> {
  const entries = await Promise.all(Object.entries(checks).map(async ([name, check]) => {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<ReadinessCheckResult>((resolve) => {
      timer = setTimeout(() => resolve({ ok: false, detail: `no answer within ${timeoutMs} ms` }), timeoutMs);
      timer.unref();
    });
    try {
      return [name, await Promise.race([Promise.resolve().then(check), late])] as const;
    } catch {
      return [name, { ok: false, detail: 'check failed' }] as const;
    } finally {
      clearTimeout(timer);
    }
  }));
  const out: Record<string, ReadinessCheckResult> = Object.fromEntries(entries);
  return { ready: entries.every(([, r]) => r.ok), checks: out };
}

/**
 * What /healthz and /readyz answer, from plain facts (pure; the server and
 * the event-loop monitor feed it):
 *   healthy  the event loop lagged at most maxEventLoopLagMs recently
 *            (a loop stuck for good cannot answer at all: the probe times out)
 *   ready    the pipeline has started, is not stopping, and the last POST to
 *            Zipkin succeeded or exports have been failing for less than
 *            exportFailureBudgetMs (0: never not ready for export failures)
 */
export interface HealthFacts {
  nowMs: number;
  eventLoopLagMs: number;
  started: boolean;
  stopping: boolean;
  /** Since when every POST has failed; undefined while the last one succeeded (or none failed). */
  exportFailingSinceMs?: number;
  lastExportError?: string;
}

export interface HealthLimits {
  maxEventLoopLagMs: number;
  exportFailureBudgetMs: number;
}

export interface Verdict {
  ok: boolean;
  reasons: string[];
}

export function liveness(f: HealthFacts, l: HealthLimits): Verdict {
  const reasons = f.eventLoopLagMs > l.maxEventLoopLagMs
    ? [`event loop lagging ${Math.round(f.eventLoopLagMs)} ms (limit ${l.maxEventLoopLagMs} ms)`]
    : [];
  return { ok: reasons.length === 0, reasons };
}

export function readiness(f: HealthFacts, l: HealthLimits): Verdict {
  const reasons: string[] = [];
  if (!f.started) reasons.push('pipeline not started');
  if (f.stopping) reasons.push('stopping');
  if (f.exportFailingSinceMs !== undefined && l.exportFailureBudgetMs > 0) {
    const failingMs = f.nowMs - f.exportFailingSinceMs;
    if (failingMs >= l.exportFailureBudgetMs) {
      reasons.push(`exports to Zipkin failing for ${Math.round(failingMs / 1000)} s (budget ${Math.round(l.exportFailureBudgetMs / 1000)} s)` +
        `${f.lastExportError ? `: ${f.lastExportError}` : ''}`);
    }
  }
  return { ok: reasons.length === 0, reasons };
}

/** Tracks when exports started failing, from each POST's outcome. */
export class ExportHealth {
  failingSinceMs?: number;
  lastError?: string;

  record(ok: boolean, nowMs: number, error?: string): void {
    if (ok) {
      this.failingSinceMs = undefined;
      this.lastError = undefined;
    } else {
      this.failingSinceMs ??= nowMs;
      this.lastError = error;
    }
  }
}

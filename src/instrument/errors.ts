/** Turning thrown values into the text the log format carries. */

/** `r_exception` of request_end: both null when the request went fine. */
export interface ExceptionInfo {
  msg: string | null;
  traceback: string | null;
}

export const NO_EXCEPTION: Readonly<ExceptionInfo> = Object.freeze({ msg: null, traceback: null });

/** msg and traceback of anything thrown (non-Error values have no traceback). */
export function describeError(err: unknown): ExceptionInfo {
  if (err instanceof Error) return { msg: err.message, traceback: err.stack ?? null };
  return { msg: String(err), traceback: null };
}

/** One line for dependency_end.response, e.g. "TypeError: fetch failed (connect ECONNREFUSED ...)". */
export function errorText(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const text = `${err.name}: ${err.message}`;
  // fetch hides the network error under `cause`, which is the useful part.
  const cause = (err as { cause?: unknown }).cause;
  return cause instanceof Error ? `${text} (${cause.message})` : text;
}

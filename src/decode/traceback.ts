/**
 * Tracebacks as services log them. Python prints the exception last
 * ("Traceback (most recent call last): ... KeyError: 'x'"); Node.js, Java and
 * Go print it first ("Error: x\n    at ...", "panic: x\n\ngoroutine 1 ...").
 */
const PYTHON_TRACEBACK = /^\s*Traceback \(most recent call last\)/;

/** The non-blank lines of a traceback. */
export function tracebackLines(text: string): string[] {
  return text.split('\n').filter((l) => l.trim() !== '');
}

/** Where the exception and its raise site are: at the end (Python) or the start. */
export function exceptionAtEnd(lines: readonly string[]): boolean {
  return lines.length > 0 && PYTHON_TRACEBACK.test(lines[0]!);
}

/** The line that names the exception, or undefined for an empty traceback. */
export function tracebackMessage(text: string): string | undefined {
  const lines = tracebackLines(text);
  if (lines.length === 0) return undefined;
  return (exceptionAtEnd(lines) ? lines[lines.length - 1]! : lines[0]!).trim();
}

/**
 * A JSON object cut at a byte limit, closed again at its last complete member.
 * Input: the first part of a record that was longer than the record limit.
 * Output: JSON text holding every member (at any depth) that was complete
 * before the cut, or undefined when not even one top-level member was.
 * Drops: the member the cut fell into and everything after it. Pure; one
 * linear scan, no parse.
 */
export function closeCutJson(text: string): string | undefined {
  let i = 0;
  while (i < text.length && /\s/.test(text[i]!)) i++;
  if (text[i] !== '{') return undefined;
  const stack: string[] = [];
  let inString = false;
  let escaped = false;
  let best: { end: number; closers: string } | undefined;
  for (; i < text.length; i++) {
    const c = text[i]!;
    if (inString) {
      if (escaped) escaped = false;
      else if (c === '\\') escaped = true;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '{') stack.push('}');
    else if (c === '[') stack.push(']');
    else if (c === '}' || c === ']') {
      stack.pop();
      if (stack.length === 0) return text.slice(0, i + 1); // not cut after all
    } else if (c === ',') {
      // Everything before this comma is complete at every level.
      best = { end: i, closers: [...stack].reverse().join('') };
    }
  }
  return best ? text.slice(0, best.end) + best.closers : undefined;
}

/**
 * What the demo's kv cache holds: user profiles, catalog items and ranking
 * models. Ranking has a model for segments 1..6 only (segment = user % 7), so
 * users whose number is a multiple of 7 fail in ranking, deep in the chain.
 */

export const SEGMENTS = 7;

export function demoData(): Map<string, unknown> {
  const data = new Map<string, unknown>();
  for (let user = 1; user <= 100; user++) data.set(`user:${user}`, { user, name: `viewer ${user}`, plan: user % 3 === 0 ? 'premium' : 'basic' });
  for (const id of [101, 102, 201, 202, 203, 204, 205]) data.set(`item:${id}`, { id, title: `title ${id}` });
  for (let segment = 1; segment < SEGMENTS; segment++) data.set(`model:${segment}`, { segment, weights: [segment, 1] });
  return data;
}

/** The catalog's shelves: item ids, fetched one by one. */
export const SHELVES: Readonly<Record<string, readonly number[]>> = {
  home: [101, 102],
  movies: [201, 202, 203, 204, 205],
};

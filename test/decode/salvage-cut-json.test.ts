import t from 'tap';
import { closeCutJson } from '../../src/decode/salvage-cut-json.js';

// [cut text, the closed JSON as a value, or undefined when nothing complete is left]
const cases: Array<[cut: string, want: unknown]> = [
  ['{"category":"request_start","tracking_id":"abc","context":{"body":"xxxx', { category: 'request_start', tracking_id: 'abc' }],
  ['{"a":1,"context":{"url_path":"/x","body":"xxx', { a: 1, context: { url_path: '/x' } }],
  ['{"a":1,"b":[1,2,{"c":"d,e","f":', { a: 1, b: [1, 2, { c: 'd,e' }] }],
  ['{"a":"quote \\" and comma , inside","b":"cut', { a: 'quote " and comma , inside' }],
  ['{"a":"back\\\\","b":{"c":1},"d":"x', { a: 'back\\', b: { c: 1 } }],
  ['{"a":1}', { a: 1 }],
  ['{"only":"one member cut', undefined],
  ['not json at all', undefined],
  ['', undefined],
];

for (const [cut, want] of cases) {
  t.test(cut.slice(0, 50), async (t) => {
    const closed = closeCutJson(cut);
    t.same(closed === undefined ? undefined : JSON.parse(closed), want);
  });
}

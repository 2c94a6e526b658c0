// Which line of a logged traceback names the exception.
import t from 'tap';
import { tracebackMessage } from '../../src/decode/traceback.js';

t.test('tracebackMessage', async (t) => {
  const rows: Array<[name: string, text: string, expected: string | undefined]> = [
    ['Python: the last line', 'Traceback (most recent call last):\n  File "a.py", line 3, in f\n    g()\nValueError: bad sku\n', 'ValueError: bad sku'],
    ['Node.js: the first line', 'TypeError: Cannot read properties of undefined\n    at rank (/app/ranking.js:11:19)\n    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)', 'TypeError: Cannot read properties of undefined'],
    ['Java: the first line', 'java.lang.IllegalStateException: no model\n\tat com.ex.Rank.load(Rank.java:42)\nCaused by: java.io.IOException: gone\n\tat com.ex.Io.read(Io.java:7)', 'java.lang.IllegalStateException: no model'],
    ['Go: the first line', 'panic: runtime error: index out of range [3] with length 2\n\ngoroutine 1 [running]:\nmain.main()\n\t/app/main.go:8 +0x1d', 'panic: runtime error: index out of range [3] with length 2'],
    ['blank lines and indentation ignored', '\n\n   KeyError: 7  \n', 'KeyError: 7'],
    ['nothing in it', ' \n\n', undefined],
  ];
  for (const [name, text, expected] of rows) t.equal(tracebackMessage(text), expected, name);
});

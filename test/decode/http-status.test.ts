import t from 'tap';
import { httpStatusCode } from '../../src/decode/http-status.js';

const cases: Array<[status: unknown, code: number | undefined]> = [
  ['200 OK', 200],
  ['503 Service Unavailable', 503],
  ['404', 404],
  [' 201 Created', 201],
  [200, 200],
  [599, 599],
  [100, 100],
  [99, undefined],
  [600, undefined],
  [200.5, undefined],
  ['OK', undefined],
  ['', undefined],
  ['2000 OK', undefined],
  ['20 OK', undefined],
  ['200OK', undefined],
  ['200.0', undefined],
  ['999 Weird', undefined],
  [null, undefined],
  [true, undefined],
  [{ code: 200 }, undefined],
];

for (const [status, code] of cases) {
  t.equal(httpStatusCode(status), code, `httpStatusCode(${JSON.stringify(status)})`);
}

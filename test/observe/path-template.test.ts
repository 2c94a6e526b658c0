import t from 'tap';
import { templatePath } from '../../src/observe/path-template.js';

t.test('ids in paths become placeholders; words stay', async (t) => {
  const rows: [string, string][] = [
    ['/', '/'],
    ['', '/'],
    ['/users', '/users'],
    ['/users/42', '/users/:id'],
    ['/users/42/orders/7', '/users/:id/orders/:id'],
    ['/orders/3f2504e0-4f89-11d3-9a0c-0305e82c3301', '/orders/:uuid'],
    ['/orders/3F2504E0-4F89-11D3-9A0C-0305E82C3301/items', '/orders/:uuid/items'],
    ['/blobs/9f86d081884c7d65', '/blobs/:hex'],
    ['/blobs/deadbeef', '/blobs/deadbeef'], // hex letters only: a word, not an id
    ['/shelf?id=home&device=3', '/shelf'],
    ['/shelf#top', '/shelf'],
    ['/users/ann%40example.com', '/users/:email'],
    ['/invoices/INV-20240131', '/invoices/:token'],
    ['/files/aGVsbG8gd29ybGQgdGhpcyBpcyBhIHZlcnkgbG9uZyB0b2tlbg', '/files/:token'],
    ['/v2/api/items/', '/v2/api/items/'],
    ['/prices/-3.5', '/prices/:id'],
    ['/bad/%E0%A4%A', '/bad/%E0%A4%A'],
  ];
  for (const [path, want] of rows) t.equal(templatePath(path), want, path);
});

import assert from 'node:assert/strict';
import { it } from 'node:test';
import { bearerToken } from '../../server/bearer.ts';

it('reads one Bearer credential the same way for every key the server takes', () => {
  assert.equal(bearerToken('Bearer abc.def'), 'abc.def');
  assert.equal(bearerToken('bearer \t abc  '), 'abc', 'the scheme in any case, whitespace around');
  for (const refused of [undefined, null, '', 'Bearer', 'Bearer ', 'Bearer a b', 'Basic abc', 'Bearerabc'])
    assert.equal(bearerToken(refused), undefined, JSON.stringify(refused));
});

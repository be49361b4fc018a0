// One list of ad-platform click ids: the one the core and the server take out without `marketing`
// (src/protocol/click-ids.ts) names the same ids the attribution chunk knows the networks of.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { CLICK_IDS as NETWORKS } from '../../src/attribution/referrer.ts';
import { CLICK_IDS } from '../../src/protocol/click-ids.ts';

it('the click ids taken out without marketing are the ones attribution knows', () => {
  assert.deepEqual([...CLICK_IDS].sort(), Object.keys(NETWORKS).sort());
});

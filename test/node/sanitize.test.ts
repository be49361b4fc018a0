// jsonBytes (src/core/sanitize.ts): the UTF-8 size of an event as JSON, which batches and the size
// limits count by; counted without encoding, so it must equal what an encoder writes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { jsonBytes } from '../../src/core/sanitize.ts';

const encoded = (value: unknown) => new TextEncoder().encode(JSON.stringify(value)).length;

describe('jsonBytes', () => {
  it('equals the encoded size for every width of character, pairs and lone surrogates included', () => {
    const values = [
      { event: 'Product Viewed', properties: { price: 119.9, name: 'Trail running shoe' } },
      { name: 'café crème', city: 'Zürich' }, // 2-byte characters
      { name: '購物車', note: '简体中文 and 繁體中文' }, // 3-byte characters
      { emoji: '🛒👟', flag: '🇭🇰' }, // surrogate pairs: 4 bytes each
      { lone: '\ud800', high: 'a\udbffb', low: '\udc00' }, // escaped by JSON.stringify: 6 ASCII bytes each
      { edges: '\u007f\u0080\u07ff\u0800\ud7ff\ue000\uffff' },
      { nul: '\u0000', controls: '\t\n\u001f' },
      'x'.repeat(40_000),
      [],
      null,
    ];
    for (const value of values)
      assert.equal(jsonBytes(value), encoded(value), JSON.stringify(value).slice(0, 60));
  });

  it('counts the same as an encoder on random text from every plane', () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let round = 0; round < 200; round++) {
      let text = '';
      for (let index = 0; index < 50; index++) text += String.fromCharCode(Math.floor(random() * 0x10000));
      assert.equal(jsonBytes({ text }), encoded({ text }));
    }
  });
});

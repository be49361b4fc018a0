// Bad input: input from the public API never throws; each kind gets its error, and
// what can be repaired is repaired and delivered.
import { expect } from '@open-wc/testing';
import { createOmnikit, type Omnikit, type OmnikitError } from '../../src/index.ts';
import { backend, resetBackend, storedEvents, waitFor, writeKeys } from './helpers.ts';

describe('bad input', () => {
  let client: Omnikit;
  let errors: OmnikitError[];
  let anonymousId: string;

  before(async () => {
    client = createOmnikit({
      writeKey: writeKeys.test,
      endpoint: backend.url,
      autoPage: false,
      flushInterval: 20,
    });
    client.on('error', (error) => errors.push(error));
    await client.ready();
    anonymousId = client.anonymousId()!;
  });
  beforeEach(async () => {
    errors = [];
    await resetBackend();
  });

  const stored = async (count: number) =>
    waitFor(async () => {
      const events = await storedEvents({ anonymousId });
      return events.length === count && events;
    });
  const codes = () => errors.map((e) => e.code);
  // Wrong types on purpose: what a plain-JS page might pass.
  const loose = (fn: (c: Record<string, (...args: unknown[]) => void>) => void) =>
    fn(client as unknown as Record<string, (...args: unknown[]) => void>);

  it('rejects event names and ids that are not non-empty strings', async () => {
    loose((c) => {
      c.track(42);
      c.track(undefined);
      c.track('');
      c.track({ event: 'x' });
      c.track('x'.repeat(300));
      c.identify(null);
      c.group(7);
      c.alias(['a']);
      c.page(12);
    });
    expect(codes()).to.deep.equal(Array(9).fill('invalid_argument'));
    expect(errors[0].message).to.match(/track event/);
    client.track('Valid');
    expect((await stored(1))[0].event).to.equal('Valid');
  });

  it('repairs values JSON cannot carry, and says which', async () => {
    const circular: Record<string, unknown> = { name: 'loop' };
    circular.self = circular;
    let deep: Record<string, unknown> = {};
    const root = deep;
    for (let i = 0; i < 100; i++) deep = deep.next = {};
    const part = { a: 1 };
    client.track('Repaired', {
      circular,
      big: 10n,
      fn: () => 1,
      nan: Number.NaN,
      when: new Date('2026-01-02T03:04:05Z'),
      root,
      shared: [part, part],
    });
    expect(codes()).to.deep.equal(['invalid_value']);
    expect(errors[0].detail).to.include.members([
      'self: circular',
      'big: bigint',
      'fn: function',
      'nan: NaN',
    ]);
    const [event] = await stored(1);
    const properties = event.body.properties as Record<string, unknown>;
    expect(properties.circular).to.deep.equal({ name: 'loop', self: '[Circular]' });
    expect(properties).to.include({ big: '10', nan: null, when: '2026-01-02T03:04:05.000Z' });
    expect(properties).to.not.have.property('fn');
    expect(JSON.stringify(properties.root)).to.include('[Truncated]');
    expect(properties.shared).to.deep.equal([{ a: 1 }, { a: 1 }]); // shared, not circular
  });

  it('replaces properties that are not an object, and keeps the event', async () => {
    loose((c) => c.track('Odd Properties', 'blue'));
    expect(codes()).to.deep.equal(['invalid_argument']);
    const [event] = await stored(1);
    expect(event.body.properties).to.deep.equal({});
  });

  it('rejects an event over 32 KB, and keeps the next one', async () => {
    client.track('Huge', { blob: 'x'.repeat(40_000) });
    expect(codes()).to.deep.equal(['event_too_large']);
    client.track('Small');
    const events = await stored(1);
    expect(events[0].event).to.equal('Small');
  });

  it('handles a throwing toJSON and a throwing listener without throwing', async () => {
    client.on('error', () => {
      throw new Error('a host listener that throws');
    });
    client.track('Bad toJSON', {
      value: {
        toJSON() {
          throw new Error('nope');
        },
      },
    });
    expect(codes()).to.deep.equal(['invalid_value']);
    await stored(1);
  });

  it('carries hostile strings as plain data', async () => {
    const hostile = `<img src=x onerror=alert(1)>"'\u0001\u202e😀 javascript:alert(1) 中文 ${'\\'}`;
    client.track(hostile, { hostile });
    const [event] = await stored(1);
    expect(event.event).to.equal(hostile);
    expect(event.body.properties).to.deep.equal({ hostile });
    expect(codes()).to.deep.equal([]);
  });

  it('loses only the event holding text no database can hold (U+0000, a lone surrogate)', async () => {
    // The server refuses such an event alone (invalid_string): the rest of the batch is stored.
    client.track('Null', { note: 'a\u0000b' });
    client.track('Half', { note: 'x\ud800' });
    client.track('Next');
    const events = await stored(1);
    expect(events[0].event).to.equal('Next');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await storedEvents({ anonymousId })).to.have.length(1);
  });

  it('never throws on a bad config, and says what is wrong', () => {
    const problems: string[] = [];
    const warn = console.warn;
    console.warn = (message: string) => problems.push(message);
    try {
      const broken = createOmnikit(null as never);
      broken.track('Nowhere');
      loose(() => createOmnikit({ writeKey: 5, destinations: 'nope' } as never).track('Nowhere'));
    } finally {
      console.warn = warn;
    }
    expect(problems.join('\n'))
      .to.match(/writeKey/)
      .and.match(/no destination/);
  });
});

// The README's TypeScript examples compile under `strict`, against the public types, as a developer
// pasting them into an SPA would compile them. Each ```ts block is a file of its own; what a block
// takes from the page around it (the client, a render function, the signed-in user) is declared for
// it, unless the block defines it itself.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { root, typeCases } from './type-cases.ts';

/** What the examples leave to the page around them, by name: the declaration a block gets when it uses it. */
const CONTEXT: Record<string, string> = {
  createOmnikit: `import { createOmnikit } from 'omnikit';`,
  omnikit: `declare const omnikit: import('omnikit').Omnikit;`,
  writeKey: 'declare const writeKey: string;',
  endpoint: 'declare const endpoint: string;',
  render: `declare function render(lines: import('omnikit').CartLine[]): void;`,
  lineId: 'declare const lineId: string;',
  user: 'declare const user: { id: string; email: string; omnikitHash: string };',
  notify: `declare function notify(changes: import('omnikit').MergeChange[]): void;`,
  addRowsFor: 'declare function addRowsFor(values: Record<string, unknown>): void;',
  serverKey: 'declare const serverKey: string;',
  showOrders: `declare function showOrders(orders: import('omnikit').Order[]): void;`,
};

const readme = readFileSync(join(root, 'README.md'), 'utf8');
// ```tsx blocks are React components: their JSX is React's (the repository's own is Preact's).
const blocks = [...readme.matchAll(/^```(tsx?)\n([\s\S]*?)^```$/gm)].map((match) => ({
  extension: match[1] as 'ts' | 'tsx',
  code: match[2],
  line: readme.slice(0, match.index).split('\n').length,
}));

/** The block as a file: the page's declarations it needs (not those it makes itself), then the block. */
function asFile(code: string): string {
  const defines = (name: string) =>
    new RegExp(`\\b(const|let|var|function)\\s+${name}\\b|^import\\b.*\\b${name}\\b.*\\bfrom\\b`, 'm').test(
      code,
    );
  const needed = Object.entries(CONTEXT)
    .filter(([name]) => new RegExp(`\\b${name}\\b`).test(code) && !defines(name))
    .map(([, declaration]) => declaration);
  return `${needed.join('\n')}\n${code}\nexport {};\n`;
}

describe("the README's TypeScript examples", () => {
  const cases = typeCases('readme');
  // The tracking-plan example imports a plan file beside it, as a site keeps one.
  writeFileSync(
    join(cases.dir, 'tracking-plan.json'),
    JSON.stringify({ extends: ['ecommerce'], events: {} }),
  );
  const files = blocks.map(
    ({ code, line, extension }) =>
      [
        line,
        cases.file(
          `block-at-line-${line}`,
          // (The pragma leads the file: TypeScript reads it there only.)
          `${extension === 'tsx' ? '/** @jsxImportSource react */\n' : ''}${asFile(code)}`,
          extension,
        ),
      ] as const,
  );

  it('are there to check', () => assert.ok(blocks.length >= 6, `${blocks.length} blocks`));
  for (const [line, file] of files) {
    it(`the block at README.md:${line} compiles with strict types`, () => {
      assert.deepEqual(cases.errorsOf(file), []);
    });
  }
});

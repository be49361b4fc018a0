// Type tests: each case is a real file, type-checked by the TypeScript compiler `npm run typecheck`
// runs, with `omnikit` (and `omnikit/script/tracker`, `omnikit/react`, `omnikit/vue`) resolved to the
// source, and React and Vue to the repository's (a case file lives outside it, in a temporary folder).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/** The repository's root, with a trailing slash. */
export const root = fileURLToPath(new URL('../../', import.meta.url));

/** A folder of case files (removed after the test file): `file` adds one, `errorsOf` reads its errors. */
export function typeCases(name: string) {
  const dir = mkdtempSync(join(tmpdir(), `omnikit-${name}-`));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const files = new Map<string, string>();
  let program: ts.Program | undefined;
  return {
    dir,
    /**
     * Adds a case file (`.tsx`: JSX, for Preact unless the file says `@jsxImportSource react`); all of
     * them are type-checked by one program (one tsc run) at the first `errorsOf`.
     */
    file(caseName: string, code: string, extension: 'ts' | 'tsx' = 'ts'): string {
      const path = join(dir, `${caseName}.${extension}`);
      writeFileSync(path, code);
      files.set(caseName, path);
      return caseName;
    },
    /** The errors of case file `caseName`, as "TScode: message". */
    errorsOf(caseName: string): string[] {
      program ??= ts.createProgram([...files.values()], {
        strict: true,
        noEmit: true,
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.ESNext,
        moduleResolution: ts.ModuleResolutionKind.Bundler,
        allowImportingTsExtensions: true,
        resolveJsonModule: true,
        skipLibCheck: true,
        types: [],
        jsx: ts.JsxEmit.ReactJSX,
        jsxImportSource: 'preact',
        paths: {
          omnikit: [`${root}src/index.ts`],
          'omnikit/script/tracker': [`${root}src/script/tracker.ts`],
          'omnikit/server': [`${root}src/server-events.ts`],
          'omnikit/react': [`${root}src/react/index.ts`],
          'omnikit/vue': [`${root}src/vue/index.ts`],
          react: [`${root}node_modules/@types/react/index.d.ts`],
          'react/jsx-runtime': [`${root}node_modules/@types/react/jsx-runtime.d.ts`],
          vue: [`${root}node_modules/vue/dist/vue.d.mts`],
        },
      });
      const source = program.getSourceFile(files.get(caseName)!);
      return [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)].map(
        (d) => `TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`,
      );
    },
  };
}

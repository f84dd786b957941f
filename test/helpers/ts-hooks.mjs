/**
 * Node module hooks that run the TypeScript sources directly, for tests that start a real
 * Node process on them (`node --import <register-ts.mjs> script.ts`): `@layerwise/<pkg>`
 * resolves to packages/<pkg>/src/index.ts (as vitest.config.ts aliases it), a `.js`
 * specifier with no such file falls back to its `.ts` twin, and `.ts` files are transpiled
 * with esbuild (types stripped, nothing bundled), so `import.meta.url` stays the source's
 * (the image workers then bundle themselves from the sources, as under vitest).
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { transform } from 'esbuild';

const root = new URL('../../', import.meta.url);

export async function resolve(specifier, context, next) {
  const m = /^@layerwise\/([a-z0-9-]+)$/.exec(specifier);
  if (m) {
    const url = new URL(`packages/${m[1]}/src/index.ts`, root);
    if (existsSync(url)) return { url: url.href, shortCircuit: true };
  }
  if (specifier.endsWith('.js') && (specifier.startsWith('.') || specifier.startsWith('file:')) && context.parentURL?.startsWith('file:')) {
    const url = new URL(specifier, context.parentURL);
    if (!existsSync(url)) {
      const ts = new URL(url.href.replace(/\.js$/, '.ts'));
      if (existsSync(ts)) return { url: ts.href, shortCircuit: true };
    }
  }
  return next(specifier, context);
}

export async function load(url, context, next) {
  if (url.startsWith('file:') && url.endsWith('.ts')) {
    const path = fileURLToPath(url);
    const { code } = await transform(readFileSync(path, 'utf8'), { loader: 'ts', format: 'esm', target: 'node20', sourcefile: path, sourcemap: 'inline' });
    return { format: 'module', source: code, shortCircuit: true };
  }
  return next(url, context);
}

export const hooksUrl = pathToFileURL(fileURLToPath(import.meta.url)).href;

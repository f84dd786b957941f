import { createHash } from 'node:crypto';
import { existsSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface WorkerScriptOptions {
  /** import.meta.url of the module that starts the workers. */
  from: string;
  /** The built worker next to it in dist/ ('./image-worker.js'). */
  built: string;
  /** The worker's TypeScript source relative to it ('./worker.ts'). */
  source: string;
  /** Packages the bundle must load from node_modules instead of inlining (native addons such as sharp). */
  external?: string[];
  /** Name stem of the temp file. */
  name: string;
}

/**
 * The script a worker thread runs: the built file next to the package's dist; when running
 * from the TypeScript sources (vitest), the source bundled once with esbuild into the temp
 * folder (content-addressed, written with temp + rename).
 */
export async function workerScriptUrl(o: WorkerScriptOptions): Promise<URL> {
  if (!o.from.endsWith('.ts')) return new URL(o.built, o.from);
  const moduleName = 'esbuild'; // not a literal: keeps bundlers from following it
  const esbuild = (await import(moduleName)) as typeof import('esbuild');
  const require = createRequire(o.from);
  const externals = new Map((o.external ?? []).map((p) => [p, require.resolve(p)]));
  const result = await esbuild.build({
    entryPoints: [fileURLToPath(new URL(o.source, o.from))],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    write: false,
    logLevel: 'silent',
    plugins: externals.size
      ? [{ name: 'externals', setup: (b) => b.onResolve({ filter: /.*/ }, (a) => (externals.has(a.path) ? { path: externals.get(a.path)!, external: true } : undefined)) }]
      : [],
  });
  const code = result.outputFiles[0].text;
  const file = join(tmpdir(), `${o.name}-${createHash('sha256').update(code).digest('hex').slice(0, 16)}.mjs`);
  if (!existsSync(file)) {
    const temp = `${file}.${process.pid}.tmp`;
    writeFileSync(temp, code);
    renameSync(temp, file);
  }
  return pathToFileURL(file);
}

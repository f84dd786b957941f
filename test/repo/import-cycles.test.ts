import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseDependencyTree, type DependencyTree } from 'dpdm';
import { describe, expect, it } from 'vitest';

/**
 * No import cycles between the modules of any workspace package, but one: ops/broadcast.ts and
 * ops/reduce.ts, because broadcasting and summing are each other's gradients. dpdm reads the
 * imports as they run (TypeScript transpiled first, so type-only imports do not count); the
 * cycles are the strongly connected components of that graph, so no cycle can hide behind
 * another one.
 */
const ALLOWED: string[][] = [['packages/core/src/ops/broadcast.ts', 'packages/core/src/ops/reduce.ts']];

const root = fileURLToPath(new URL('../../', import.meta.url));
const workspaces = ['packages', 'apps', 'examples'].flatMap((group) =>
  readdirSync(`${root}${group}`)
    .map((name) => `${group}/${name}`)
    .filter((dir) => existsSync(`${root}${dir}/src`)),
);

/** Tarjan's strongly connected components with more than one module (or a module importing itself). */
function cycles(tree: DependencyTree): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const edges = (m: string) => (tree[m] ?? []).map((d) => d.id).filter((id): id is string => id !== null && id in tree);
  const visit = (m: string) => {
    index.set(m, index.size);
    low.set(m, index.get(m)!);
    stack.push(m);
    onStack.add(m);
    for (const next of edges(m)) {
      if (!index.has(next)) {
        visit(next);
        low.set(m, Math.min(low.get(m)!, low.get(next)!));
      } else if (onStack.has(next)) low.set(m, Math.min(low.get(m)!, index.get(next)!));
    }
    if (low.get(m) === index.get(m)) {
      const component: string[] = [];
      let top: string;
      do {
        top = stack.pop()!;
        onStack.delete(top);
        component.push(top);
      } while (top !== m);
      if (component.length > 1 || edges(m).includes(m)) out.push(component.sort());
    }
  };
  for (const m of Object.keys(tree).sort()) if (!index.has(m)) visit(m);
  return out;
}

describe('import cycles (dpdm)', () => {
  it.each(workspaces)('%s', async (dir) => {
    const tree = await parseDependencyTree(`${dir}/src/**/*.ts`, {
      context: root,
      cwd: root,
      transform: true,
      tsconfig: `${root}${dir}/tsconfig.json`,
      // Only this workspace's own modules; other packages are checked on their own.
      include: new RegExp(`^${`${root}${dir}/src/`.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`),
    });
    // Every module of the workspace was read (none skipped as outside it).
    const own = Object.entries(tree).filter(([m]) => m.startsWith(`${dir}/src/`));
    expect(own.length).toBeGreaterThan(0);
    expect(own.filter(([, deps]) => deps === null).map(([m]) => m)).toEqual([]);
    // A relative import the tool cannot resolve would be an edge it silently misses.
    const unresolved = Object.values(tree).flatMap((deps) => (deps ?? []).filter((d) => d.id === null && d.request.startsWith('.')).map((d) => `${d.issuer} → ${d.request}`));
    expect(unresolved).toEqual([]);
    const allowed = ALLOWED.filter((c) => c[0].startsWith(`${dir}/`));
    expect(cycles(tree)).toEqual(allowed);
  });
});

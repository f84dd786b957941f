import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Reporter, TestCase, TestModule, TestSuite } from 'vitest/node';

/**
 * A vitest reporter: at the end of a run, how many tests ran on each backend and kernel set
 * (ONNX Runtime; TensorFlow.js on tfjs-node, wasm, cpu), per test folder. A test belongs to a
 * backend when one of its suites is named after it (`describe.each(BACKENDS)('… $name')`) or
 * its own name starts with it. When the shared suites ran without tfjs-node, it says so loudly,
 * with the reason.
 */
const BACKEND = /(?<![\w-])(onnx|tfjs-(?:node|wasm|cpu))(?![\w-])/;
const ORDER = ['onnx', 'tfjs-node', 'tfjs-wasm', 'tfjs-cpu'];

function backendOf(test: TestCase): string | null {
  for (let p: TestSuite | TestModule = test.parent; p.type === 'suite'; p = p.parent) {
    const m = BACKEND.exec(p.name);
    if (m) return m[1];
  }
  // it.each over BACKENDS: "'tfjs-node': per-step losses …"
  return /^'(onnx|tfjs-(?:node|wasm|cpu))'/.exec(test.name)?.[1] ?? null;
}

/** test/ops/op-table.test.ts → ops; packages/layers/test/… → packages/layers. */
function folderOf(module: TestModule): string {
  const parts = module.relativeModuleId.split('/');
  return parts[0] === 'test' ? parts[1] : parts.slice(0, 2).join('/');
}

export default class BackendCounts implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    // backend → folder → state → count
    const counts = new Map<string, Map<string, Record<string, number>>>();
    for (const module of modules)
      for (const test of module.children.allTests()) {
        const backend = backendOf(test);
        if (!backend) continue;
        const byFolder = counts.get(backend) ?? new Map<string, Record<string, number>>();
        counts.set(backend, byFolder);
        const c = byFolder.get(folderOf(module)) ?? {};
        byFolder.set(folderOf(module), c);
        const state = test.result().state;
        c[state] = (c[state] ?? 0) + 1;
      }
    if (!counts.size) return;
    const lines = ['', 'Tests per backend and kernel set (passed / failed / skipped, by folder):'];
    for (const backend of ORDER.filter((b) => counts.has(b))) {
      const byFolder = counts.get(backend)!;
      const total = { passed: 0, failed: 0, skipped: 0 };
      const parts = [...byFolder].map(([folder, c]) => {
        for (const k of Object.keys(total) as (keyof typeof total)[]) total[k] += c[k] ?? 0;
        return `${folder} ${c.passed ?? 0}${c.failed ? ` (${c.failed} FAILED)` : ''}${c.skipped ? ` (+${c.skipped} skipped)` : ''}`;
      });
      lines.push(`  ${backend.padEnd(10)} ${String(total.passed).padStart(5)} passed${total.failed ? `, ${total.failed} FAILED` : ''}${total.skipped ? `, ${total.skipped} skipped` : ''}  — ${parts.join(', ')}`);
    }
    if (counts.has('tfjs-wasm') && !counts.has('tfjs-node')) lines.push(notOnTfjsNode());
    console.log(lines.join('\n') + '\n');
  }
}

/** Why tfjs-node did not load, in a banner no CI log reader can miss. */
function notOnTfjsNode(): string {
  const bin = fileURLToPath(new URL('../../packages/backend-tfjs/bin/layerwise-tfjs-node.mjs', import.meta.url));
  const r = spawnSync(process.execPath, [bin, '--check'], { encoding: 'utf8' });
  const why = `${r.stdout}${r.stderr}`.trim().split('\n').pop() ?? '';
  const bar = '!'.repeat(78);
  return `${bar}\n!!! NOT RUN on tfjs-node kernels: ${why.replace(/^layerwise-tfjs-node: /, '')}\n!!! Build it with: bash scripts/tfjs-node-from-wheel.sh (CI's setup does; see packages/backend-tfjs/README.md)\n${bar}`;
}

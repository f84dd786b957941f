// The tfjs-node part of `npm run bench` (issue 13): the tfjs backend on tfjs-node kernels against
// tfjs-layers on the same kernels (bench/tfjs/mlp.mjs --kernels node, two whole CNN epochs), then
// against Layerwise's ONNX backend measured earlier in the same run, then ResNet50 inference
// (bench/tfjs/resnet50.mjs, once the zoo has it). Each runs in its own process: tfjs keeps one
// gradient registry per process, and the wasm bench registers a Conv2D gradient for its peer.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const here = (f) => fileURLToPath(new URL(f, import.meta.url));

/** Run a bench script that prints its tables and, last, its JSON; echo the tables, return the JSON. */
function child(script, args) {
  const r = spawnSync(process.execPath, [here(script), ...args, '--json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 << 20 });
  const lines = (r.stdout ?? '').trim().split('\n');
  const json = r.status === 0 ? lines.pop() : null;
  console.log(lines.filter((l) => !l.startsWith('written: ')).join('\n'));
  if (r.status !== 0) return { error: `${script} exited with ${r.status ?? r.signal}` };
  return JSON.parse(json);
}

/** Why tfjs-node does not load here, or null when it does. */
function tfjsNodeMissing() {
  const r = spawnSync(process.execPath, [here('../../packages/backend-tfjs/bin/layerwise-tfjs-node.mjs'), '--check'], { encoding: 'utf8' });
  return r.status === 0 ? null : `${r.stdout}${r.stderr}`.trim().split('\n').pop();
}

/**
 * @param {{ epochs: number, onnxMlp?: { median_epoch_s: number, error?: string }, onnxCnn?: { median_epoch_s: number, error?: string } }} o
 */
export function runTfjsNodeSection({ epochs, onnxMlp, onnxCnn }) {
  const missing = tfjsNodeMissing();
  if (missing) {
    const bar = '!'.repeat(78);
    console.log(`${bar}\n!!! tfjs-node benchmarks skipped: ${missing}\n!!! Build it with: npx layerwise-tfjs-node (or bash scripts/tfjs-node-from-wheel.sh)\n${bar}`);
    return { skipped: missing };
  }
  const tfjs = child('mlp.mjs', ['--kernels', 'node', '--epochs', String(epochs), '--cnn-steps', 'epoch', '--cnn-rounds', '2']);
  if (tfjs.error) return tfjs;
  const rows = [
    ['1.1 MLP', tfjs.mlp?.layerwise?.median_epoch_s, onnxMlp],
    ['2.1 CNN', tfjs.cnn?.layerwise?.est_epoch_s, onnxCnn],
  ];
  console.log('\nThe tfjs backend on tfjs-node against the ONNX backend (same run)\n');
  console.log('| model | layerwise tfjs-node s/epoch | layerwise onnx s/epoch | tfjs-node ÷ onnx |');
  console.log('| --- | ---: | ---: | ---: |');
  const vsOnnx = {};
  for (const [label, node, onnx] of rows) {
    const ok = node != null && onnx && !onnx.error;
    if (ok) vsOnnx[label] = node / onnx.median_epoch_s;
    console.log(`| ${label} | ${node?.toFixed(2) ?? '–'} | ${ok ? onnx.median_epoch_s.toFixed(2) : '–'} | ${ok ? vsOnnx[label].toFixed(2) + '×' : '–'} |`);
  }
  console.log('');
  const resnet50 = child('resnet50.mjs', []);
  return { ...tfjs, vs_onnx: vsOnnx, resnet50 };
}

// Which Python runs the peers and fixture scripts: $BENCH_PYTHON, else the venv that
// scripts/python/setup.sh makes ($LAYERWISE_PYTHON_VENV or .venv-peers at the repository
// root), else python3 on PATH (whose missing packages then show up as a skipped peer).
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export function peerPython() {
  if (process.env.BENCH_PYTHON) return process.env.BENCH_PYTHON;
  const venv = process.env.LAYERWISE_PYTHON_VENV ?? join(root, '.venv-peers');
  const python = join(venv, 'bin', 'python');
  if (existsSync(python)) return python;
  console.warn(`bench: no peer Python at ${python}; run \`bash scripts/python/setup.sh\` for the PyTorch/Keras columns`);
  return 'python3';
}

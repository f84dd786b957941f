#!/usr/bin/env node
// npx layerwise-tfjs-node — install @tensorflow/tfjs-node without its libtensorflow download.
//
// tfjs-node's install script downloads the TensorFlow C library from storage.googleapis.com,
// which fails behind firewalls and offline (npm then drops the optional dependency). The same
// library, with its C API headers, ships inside the `tensorflow-cpu` wheel on PyPI (or any pip
// mirror). This command:
//   1. installs the @tensorflow/tfjs-node package matching this backend's tfjs-core, scripts skipped;
//   2. fetches the wheel with pip (or takes --wheel FILE, or --tensorflow-dir of an installed
//      tensorflow) and extracts the two libraries and the C API headers into a cache;
//   3. compiles the one native binding this Node loads (node-pre-gyp, latest N-API version only);
//   4. links the cached library and binding into node_modules/@tensorflow/tfjs-node and checks it loads.
// A second run finds tfjs-node loading and does nothing; after `npm ci` it relinks from the cache
// in seconds. Exit codes: 0 ready, 3 cannot be built here (no wheel, no compiler: loud message,
// nothing changed that matters), 1 a build or check failed.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const UNAVAILABLE = 3;
const here = dirname(fileURLToPath(import.meta.url));
const backendDir = resolve(here, '..'); // @layerwise/backend-tfjs
const fromBackend = createRequire(join(backendDir, 'package.json'));

const USAGE = `usage: layerwise-tfjs-node [options]
  --tensorflow VERSION   tensorflow-cpu version whose C library is used (default 2.21.0, or $LAYERWISE_TF_VERSION)
  --wheel FILE           a tensorflow-cpu (or tensorflow) wheel already on disk: no pip
  --tensorflow-dir DIR   an installed tensorflow package (…/site-packages/tensorflow): no pip
  --python PYTHON        the Python whose pip fetches the wheel (default $PYTHON, else python3)
  --cache DIR            where the library and the built binding are kept
                         (default $LAYERWISE_TFJS_NODE_CACHE, else ~/.cache/layerwise/tfjs-node)
  --force                rebuild even if tfjs-node already loads or the cache has a build
  --check                only say whether tfjs-node loads (exit 0 if it does, 1 if not)`;

function parseArgs(argv) {
  const o = { tensorflow: process.env.LAYERWISE_TF_VERSION || '2.21.0', python: process.env.PYTHON || 'python3', force: false, check: false };
  o.cache = process.env.LAYERWISE_TFJS_NODE_CACHE || join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'layerwise', 'tfjs-node');
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) fail(`${a} needs a value\n${USAGE}`, 2);
      return argv[++i];
    };
    if (a === '--tensorflow') o.tensorflow = value();
    else if (a === '--wheel') o.wheel = resolve(value());
    else if (a === '--tensorflow-dir') o.tensorflowDir = resolve(value());
    else if (a === '--python') o.python = value();
    else if (a === '--cache') o.cache = resolve(value());
    else if (a === '--force') o.force = true;
    else if (a === '--check') o.check = true;
    else if (a === '-h' || a === '--help') {
      console.log(USAGE);
      process.exit(0);
    } else fail(`unknown option ${a}\n${USAGE}`, 2);
  }
  return o;
}

const log = (s) => console.log(`layerwise-tfjs-node: ${s}`);
/** What to take back when tfjs-node cannot be built here (a package this run installed, a previous build's links). */
const undo = [];
function fail(message, code = 1) {
  undo.forEach((f) => f());
  console.error(`layerwise-tfjs-node: ${message}`);
  process.exit(code);
}
/** Loud and impossible to miss in a CI log: tfjs-node is NOT available, and why. */
function unavailable(reason, hint) {
  undo.forEach((f) => f());
  const bar = '!'.repeat(78);
  console.error(`\n${bar}\n!!! tfjs-node NOT built: ${reason}\n!!! ${hint.split('\n').join('\n!!! ')}\n!!! Layerwise's tfjs backend uses the wasm kernels until then.\n${bar}\n`);
  process.exit(UNAVAILABLE);
}

/**
 * Does @tensorflow/tfjs-node load, from where @layerwise/backend-tfjs resolves it, and register
 * its kernels with the same tfjs-core? Run in a child process: a broken binding can abort.
 */
function probe() {
  const script = `
    const { createRequire } = require('node:module');
    const r = createRequire(${JSON.stringify(join(backendDir, 'package.json'))});
    const tf = r('@tensorflow/tfjs-core');
    const node = r('@tensorflow/tfjs-node');
    if (!tf.engine().registryFactory.tensorflow) throw new Error('tfjs-node registered its kernels with another copy of @tensorflow/tfjs-core');
    tf.setBackend('tensorflow');
    // A valid 3x3 conv of ones over a 3x3 input: one output per filter, so every filter tap's gradient is 1.
    const x = tf.ones([1, 3, 3, 2]), k = tf.ones([3, 3, 2, 4]);
    const g = tf.grad((f) => tf.sum(tf.conv2d(x, f, 1, 'valid')))(k);
    if (g.sum().arraySync() !== 72) throw new Error('the native conv2d gradient gave a wrong result');
    console.log(JSON.stringify({ tfjsNode: node.version['tfjs-node'], tensorflow: node.version.tensorflow ?? null, core: tf.version_core }));`;
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '2' } });
  if (r.status === 0) return { ok: true, ...JSON.parse(r.stdout.trim().split('\n').pop()) };
  const err = (r.stderr || '').split('\n').find((l) => /Error/.test(l)) || (r.stderr || '').trim().split('\n')[0] || `exit ${r.status ?? r.signal}`;
  return { ok: false, error: err.trim() };
}

const has = (cmd, args = ['--version']) => spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20, ...opts });
  return { ok: r.status === 0, out: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}` };
}
const tail = (s, n = 15) => s.trim().split('\n').slice(-n).join('\n');

/** The tfjs-core this backend uses, and the project whose node_modules holds it. */
function project() {
  const corePkg = fromBackend.resolve('@tensorflow/tfjs-core/package.json');
  const coreVersion = JSON.parse(readFileSync(corePkg, 'utf8')).version;
  const nodeModules = resolve(dirname(corePkg), '..', '..');
  const root = dirname(nodeModules);
  if (!existsSync(join(root, 'package.json')) || /node_modules/.test(root))
    fail(`@tensorflow/tfjs-core is nested at ${corePkg}; install @tensorflow/tfjs-node@${coreVersion} next to it by hand (npm install --ignore-scripts) and rerun`);
  return { root, coreVersion };
}

function tfjsNodeDir() {
  try {
    return dirname(fromBackend.resolve('@tensorflow/tfjs-node/package.json'));
  } catch {
    return null;
  }
}

/** Step 1: the npm package itself, matching tfjs-core's version, with its install script skipped. */
function ensurePackage({ root, coreVersion }) {
  let dir = tfjsNodeDir();
  if (dir) return dir;
  log(`installing @tensorflow/tfjs-node@${coreVersion} into ${root} (scripts skipped, not saved to package.json)`);
  const r = run('npm', ['install', '--no-save', '--ignore-scripts', '--no-audit', '--no-fund', `@tensorflow/tfjs-node@${coreVersion}`], { cwd: root });
  if (!r.ok) unavailable('npm could not install @tensorflow/tfjs-node', tail(r.out));
  dir = tfjsNodeDir();
  if (!dir) fail(`npm installed @tensorflow/tfjs-node but it does not resolve from ${backendDir}`);
  // Installed by this run: without a binding it would only be a package that fails to load.
  undo.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** The N-API version node-pre-gyp builds with --build-latest-napi-version-only (the highest this Node and tfjs-node share). */
function napiVersion(pkgDir) {
  const wanted = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')).binary.napi_versions;
  const ours = Number(process.versions.napi);
  return Math.max(...wanted.filter((v) => v <= ours));
}

/** The wheel, fetched with pip into `dir` (pip keeps its own cache), or a loud exit saying how to get it. */
function fetchWheel(o, dir) {
  log(`fetching the tensorflow-cpu==${o.tensorflow} wheel with pip (${o.python} -m pip download; ~270 MB, cached by pip)`);
  const r = run(o.python, ['-m', 'pip', 'download', `tensorflow-cpu==${o.tensorflow}`, '--no-deps', '--only-binary=:all:', '-d', dir]);
  const wheel = r.ok ? readdirSync(dir).find((f) => f.endsWith('.whl')) : undefined;
  if (!wheel)
    unavailable(
      `the tensorflow-cpu==${o.tensorflow} wheel could not be obtained with pip`,
      `${tail(r.out, 6)}\nFix: point pip at a reachable index (PIP_INDEX_URL=…), or download the wheel elsewhere and run\n  npx layerwise-tfjs-node --wheel tensorflow_cpu-${o.tensorflow}-….whl\nor use an installed TensorFlow: npx layerwise-tfjs-node --tensorflow-dir …/site-packages/tensorflow`,
    );
  return join(dir, wheel);
}

/** node-pre-gyp rebuild of the binding for the latest N-API version this Node loads; returns the .node file. */
function compileBinding(pkgDir, logFile) {
  const napi = napiVersion(pkgDir);
  log(`compiling tfjs-node's binding for N-API ${napi} (one version only; ~1–2 min)`);
  const preGyp = createRequire(join(pkgDir, 'package.json')).resolve('@mapbox/node-pre-gyp/bin/node-pre-gyp');
  const args = [preGyp, 'rebuild', '--build-from-source', '--build-latest-napi-version-only'];
  // Node's own headers, when installed beside it (Debian, nodejs.org tarballs): node-gyp then downloads nothing.
  const prefix = resolve(dirname(process.execPath), '..');
  if (existsSync(join(prefix, 'include', 'node', 'node_api.h'))) args.push(`--nodedir=${prefix}`);
  const b = run(process.execPath, args, { cwd: pkgDir });
  writeFileSync(logFile, b.out);
  const binding = join(pkgDir, 'lib', `napi-v${napi}`, 'tfjs_binding.node');
  if (!b.ok || !existsSync(binding)) fail(`compiling the binding failed (full log: ${logFile}):\n${tail(b.out, 25)}`);
  for (const d of ['build', `build-tmp-napi-v${napi}`]) rmSync(join(pkgDir, d), { recursive: true, force: true });
  return { binding, napi };
}

/** Steps 2–3: the TensorFlow library and headers, and the binding compiled against them, into the cache entry. */
function build(o, pkgDir, entry) {
  if (process.platform !== 'linux') unavailable(`building from the wheel is supported on Linux only (this is ${process.platform})`, 'Install @tensorflow/tfjs-node normally (npm install @tensorflow/tfjs-node).');
  const missing = [['c++', 'a C++ compiler (g++)'], ['make', 'make'], [o.python, `Python 3 (${o.python})`]].filter(([c]) => !has(c)).map(([, what]) => what);
  if (missing.length) unavailable(`missing ${missing.join(', ')}`, 'Install them (Debian/Ubuntu: apt-get install g++ make python3 python3-pip) and rerun npx layerwise-tfjs-node.');

  // A rebuild (--force) that fails puts the previous build back in place.
  if (existsSync(join(entry, 'READY'))) undo.push(() => install(pkgDir, entry));
  // Built beside the entry and renamed into place: however the build ends, no half-made entry stays.
  const tmp = `${entry}.tmp-${process.pid}`;
  const cleanup = () => rmSync(tmp, { recursive: true, force: true });
  cleanup();
  mkdirSync(tmp, { recursive: true });
  process.on('exit', cleanup);
  const source = o.tensorflowDir ?? o.wheel ?? fetchWheel(o, join(tmp, 'wheel'));
  if (!existsSync(source)) fail(`${source} does not exist`);
  log(`extracting the TensorFlow C library and headers from ${source}`);
  const x = run(o.python, [join(here, 'extract-tensorflow.py'), source, tmp]);
  if (!x.ok) fail(`extracting from ${source} failed:\n${tail(x.out)}`);
  rmSync(join(tmp, 'wheel'), { recursive: true, force: true });

  linkLibrary(pkgDir, tmp);
  const { binding, napi } = compileBinding(pkgDir, `${entry}.build.log`);
  copyFileSync(binding, join(tmp, 'tfjs_binding.node'));
  writeFileSync(join(tmp, 'READY'), JSON.stringify({ tensorflow: o.tensorflow, source: basename(source), napi, node: process.version, built: new Date().toISOString() }, null, 2));
  rmSync(entry, { recursive: true, force: true });
  renameSync(tmp, entry);
  process.off('exit', cleanup);
}

function link(target, path) {
  rmSync(path, { force: true });
  symlinkSync(target, path);
}

/** deps/ as tfjs-node's build and its binding's rpath ($ORIGIN/../../deps/lib) expect it. */
function linkLibrary(pkgDir, from) {
  const deps = join(pkgDir, 'deps');
  mkdirSync(join(deps, 'lib'), { recursive: true });
  link(join(from, 'include'), join(deps, 'include'));
  // The binding is linked with -ltensorflow; the library's SONAME is libtensorflow_cc.so.2.
  for (const name of ['libtensorflow.so', 'libtensorflow.so.2', 'libtensorflow_cc.so.2']) link(join(from, 'lib', 'libtensorflow_cc.so.2'), join(deps, 'lib', name));
  for (const name of ['libtensorflow_framework.so', 'libtensorflow_framework.so.2']) link(join(from, 'lib', 'libtensorflow_framework.so.2'), join(deps, 'lib', name));
}

/** Step 4: the cached library and binding into node_modules/@tensorflow/tfjs-node. */
function install(pkgDir, entry) {
  linkLibrary(pkgDir, entry);
  const napi = JSON.parse(readFileSync(join(entry, 'READY'), 'utf8')).napi;
  const dir = join(pkgDir, 'lib', `napi-v${napi}`);
  mkdirSync(dir, { recursive: true });
  copyFileSync(join(entry, 'tfjs_binding.node'), join(dir, 'tfjs_binding.node'));
}

const o = parseArgs(process.argv.slice(2));
const before = probe();
if (o.check) {
  if (before.ok) log(`tfjs-node ${before.tfjsNode} loads (tfjs-core ${before.core})`);
  else log(`tfjs-node does not load: ${before.error}`);
  process.exit(before.ok ? 0 : 1);
}
if (before.ok && !o.force) {
  log(`tfjs-node ${before.tfjsNode} already loads (tfjs-core ${before.core}); nothing to do`);
  process.exit(0);
}
const proj = project();
const pkgDir = ensurePackage(proj);
const tfjsNodeVersion = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')).version;
const key = `tfjs-node-${tfjsNodeVersion}_tensorflow-${o.tensorflowDir || o.wheel ? 'local' : o.tensorflow}_napi-${napiVersion(pkgDir)}_${process.platform}-${process.arch}`;
const entry = join(o.cache, key);
if (o.force || o.wheel || o.tensorflowDir || !existsSync(join(entry, 'READY'))) build(o, pkgDir, entry);
else log(`using the build cached in ${entry}`);
install(pkgDir, entry);
const after = probe();
if (!after.ok) fail(`tfjs-node was built and linked but does not load: ${after.error}\n(cache: ${entry}; rerun with --force to rebuild)`);
log(`tfjs-node ${after.tfjsNode} ready on the TensorFlow C library from tensorflow-cpu (cache: ${entry})`);

// layerwise predict / summary / plot-model (section 4.2), in-process: a real photo, a weights file
// written by Layerwise (the formula weights the zoo's Keras fixtures use), Keras' summary tables.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clearSession, type Model } from '@layerwise/core';
import { imgToArray, loadImg } from '@layerwise/data';
import { mobilenetV2, formatPredictions } from '@layerwise/applications';
import { formulaWeights } from '../../../packages/applications/test/helpers/formula.js';
import { main, type Io } from '../src/cli.js';

function capture(): Io & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) }, out: () => out, err: () => err };
}

// A real photo (scikit-image's rocket, committed for the data package's tests).
const photo = fileURLToPath(new URL('../../../packages/data/test/fixtures/images/rocket.jpg', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'layerwise-zoo-cli-'));
const weightsFile = join(tmp, 'mobilenet_v2_formula.h5');
let reference: Model;

beforeAll(async () => {
  clearSession();
  reference = await mobilenetV2.MobileNetV2({ weights: null });
  formulaWeights(reference, 1 / 64);
  await reference.saveWeights(weightsFile);
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The tutorial's program, written out: what `layerwise predict` must print. */
async function expected(top: number): Promise<string> {
  const image = imgToArray(await loadImg(photo, { targetSize: [224, 224] }));
  const preds = await reference.predict(mobilenetV2.preprocessInput(image.reshape(1, 224, 224, 3)), { verbose: 0 });
  return `Predicted: ${formatPredictions(mobilenetV2.decodePredictions(preds, { top })[0])}\n`;
}

describe('layerwise predict', () => {
  it.each([[3, []], [5, ['--top', '5']]] as const)('top %i: prints decode_predictions as Python prints it', async (top, extra) => {
    const io = capture();
    expect(await main(['predict', photo, '--model', 'mobilenetv2', '--weights', weightsFile, ...extra], io), io.err()).toBe(0);
    expect(io.out()).toBe(await expected(top));
    expect(io.out()).toMatch(new RegExp(`^Predicted: \\[${Array(top).fill("\\('n\\d{8}', '[^']+', [0-9.e-]+\\)").join(', ')}\\]\\n$`));
  });

  it('a weights file that does not exist: exit 1, naming the file', async () => {
    const io = capture();
    const missing = join(tmp, 'nope.h5');
    expect(await main(['predict', photo, '--model', 'mobilenetv2', '--weights', missing], io)).toBe(1);
    expect(io.err()).toContain(missing);
  });

  it('weights for another model: exit 1 with the weights error', async () => {
    const io = capture();
    expect(await main(['predict', photo, '--model', 'resnet50', '--weights', weightsFile], io)).toBe(1);
    expect(io.err()).toMatch(/layerwise predict: WeightsError: /);
  });
});

describe('layerwise summary / plot-model', () => {
  const summaries = JSON.parse(gunzipSync(readFileSync(new URL('../../../fixtures/zoo/summaries.json.gz', import.meta.url))).toString('utf8')) as {
    cases: { name: string; narrow: string }[];
  };

  it.each([
    ['resnet50', 'resnet50_default'],
    ['inceptionv3', 'inception_v3_default'],
  ])('summary --model %s prints Keras 3\'s table (80 columns in a pipe)', async (model, fixture) => {
    clearSession(); // a fresh process, as the command runs: Keras' automatic names start again
    const io = capture();
    expect(await main(['summary', '--model', model], io), io.err()).toBe(0);
    expect(io.out()).toBe(`${summaries.cases.find((c) => c.name === fixture)!.narrow}\n`);
  });

  it.each([
    [[], false],
    [['--layer-names'], true],
  ] as const)('plot-model --model mobilenetv2 --out FILE %j draws the network with its shapes', async (extra, names) => {
    const io = capture();
    const out = join(tmp, `mobilenetv2${names ? '-names' : ''}.svg`);
    expect(await main(['plot-model', '--model', 'mobilenetv2', '--out', out, ...extra], io), io.err()).toBe(0);
    expect(existsSync(out)).toBe(true);
    const svg = readFileSync(out, 'utf8');
    expect(svg).toContain('<svg');
    expect(svg).toContain('(None, 224, 224, 3)');
    // A layer's name in a drawn label (graphviz also keeps it in comments and titles).
    expect(/<text[^>]*>[^<]*block_1_expand_relu[^<]*<\/text>/.test(svg)).toBe(names);
    expect(io.out()).toContain(`wrote ${out}`);
  });
});

describe('zoo commands: usage mistakes, with a "did you mean"', () => {
  it.each([
    [['predict', photo, '--model', 'vgg61'], "--model must be one of vgg16, vgg19, resnet50, inceptionv3, xception, mobilenetv2; got 'vgg61'. Did you mean 'vgg16'?"],
    [['summary', '--model', 'resnet-50'], "Did you mean 'resnet50'?"],
    [['summary', '--model', 'inception_v3'], "Did you mean 'inceptionv3'?"],
    [['predict', photo, '--modle', 'vgg16'], "Unknown option '--modle'. Did you mean '--model'?"],
    [['plot-model', '--model', 'vgg16', '--output', 'x.png'], "Did you mean '--out'?"],
    [['predict', '--model', 'vgg16'], 'give a photo'],
    [['summary'], 'give the model: --model vgg16|vgg19|resnet50|inceptionv3|xception|mobilenetv2'],
    [['predict', photo, '--model', 'vgg16', '--top', '0'], '--top must be an integer >= 1'],
  ])('%j: exit 2', async (argv, message) => {
    const io = capture();
    expect(await main([...argv], io)).toBe(2);
    expect(io.err()).toContain(message);
    expect(io.err()).toContain(`layerwise ${argv[0]} --help`);
  });

  it('an unknown command: did you mean', async () => {
    const io = capture();
    expect(await main(['predcit', photo], io)).toBe(2);
    expect(io.err()).toContain("unknown command 'predcit'. Did you mean 'predict'?");
  });
});

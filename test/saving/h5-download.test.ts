import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { getFile } from '@layerwise/data';
import { maxAbsDiff } from '../helpers/run.js';
import { expected, fixtureInput, fixtureModel, H5_FIXTURES } from './h5-helpers.js';

/**
 * The zoo's path end to end, on 127.0.0.1: a Keras weights file fetched like Keras' get_file
 * (cache, MD5), validated by loading it, loaded into the model, predicting Keras' numbers.
 */
const body = readFileSync(join(H5_FIXTURES, 'keras2', 'cnn_notop.h5'));
const md5 = createHash('md5').update(body).digest('hex');
const home = mkdtempSync(join(tmpdir(), 'layerwise-h5-download-'));
let server: Server;
let url = '';
const requests: string[] = [];
beforeAll(async () => {
  server = createServer((req, res) => {
    requests.push(req.url ?? '');
    res.writeHead(200, { 'content-length': body.length });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/weights/cnn_notop.h5`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  rmSync(home, { recursive: true, force: true });
});

it("a damaged cached weights file fails validation (loading it), is downloaded again, and predicts Keras' numbers", async () => {
  const cacheDir = join(home, 'keras');
  mkdirSync(join(cacheDir, 'models'), { recursive: true });
  writeFileSync(join(cacheDir, 'models', 'cnn_notop.h5'), body.subarray(0, 5000)); // cut short, no hash given
  const validate = (path: string) => fixtureModel('cnn_notop').loadWeights(path);
  const path = await getFile('cnn_notop.h5', url, { cacheDir, cacheSubdir: 'models', validate, verbose: false });
  expect(requests).toHaveLength(1);
  expect(readFileSync(path).equals(body)).toBe(true);
  // Next time: from the cache, checked by MD5 as Keras does.
  expect(await getFile('cnn_notop.h5', url, { cacheDir, cacheSubdir: 'models', fileHash: md5, verbose: false })).toBe(path);
  expect(requests).toHaveLength(1);
  const model = fixtureModel('cnn_notop');
  await model.loadWeights(path);
  const got = (await model.predict(fixtureInput('cnn_notop'), { verbose: 0 })).data;
  expect(maxAbsDiff(got, expected.models.cnn_notop.keras3)).toBeLessThanOrEqual(1e-5);
});

import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { summarize, printSummary, readableMemorySize, thousands } from '../../packages/core/src/engine/summary.js';
import { buildCase, summaryCases } from './summary-cases.js';

const camel = (s: string) => s.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
const ours = JSON.parse(readFileSync(new URL('./fixtures/keras-summary.json', import.meta.url), 'utf8'));

describe('summarize() prints what Keras 3 prints (test/inspect/fixtures/keras-summary.json)', () => {
  it.each(Object.keys(ours.cases))('%s', async (name) => {
    const c = ours.cases[name];
    expect(summaryCases[name], `no Layerwise twin for case ${name}`).toBeDefined();
    const model = await buildCase(name);
    const options = Object.fromEntries(Object.entries(c.summary_kwargs).map(([k, v]) => [camel(k), v]));
    expect(summarize(model, { ...options, terminalColumns: 80 }).split('\n')).toEqual(c.lines);
  });
});

describe('summary helpers', () => {
  it('formats like Python', () => {
    expect(thousands(0)).toBe('0');
    expect(thousands(138357544)).toBe('138,357,544');
    expect(readableMemorySize(0)).toBe('0.00 B');
    expect(readableMemorySize(1023)).toBe('1023.00 B');
    expect(readableMemorySize(1024)).toBe('1.00 KB');
    expect(readableMemorySize(220200)).toBe('215.04 KB');
    // a tie: Python's format rounds half to even, JS toFixed rounds it up
    expect(readableMemorySize(1024 + 128)).toBe('1.12 KB');
    expect(readableMemorySize(553437176)).toBe('527.80 MB');
  });
  it('printSummary calls printFn once with the text, console.log by default', async () => {
    const model = await buildCase('sequential_mlp');
    const got: string[] = [];
    printSummary(model, { printFn: (s) => got.push(s), terminalColumns: 80 });
    expect(got).toEqual([summarize(model, { terminalColumns: 80 })]);
  });
  it('rejects a layout too narrow for its columns, as Keras does', async () => {
    const model = await buildCase('sequential_mlp');
    expect(() => summarize(model, { lineLength: 8 })).toThrow(/Insufficient console width/);
  });
});

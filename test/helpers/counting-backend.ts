import type { Backend, CompileOptions, Executable, Graph, Tensor } from '@layerwise/core';

/** A backend that counts the graphs compiled (by name) and the executables disposed. */
export class CountingBackend implements Backend {
  readonly name: string;
  readonly compiled: string[] = [];
  disposed = 0;
  bakeWeight?: Backend['bakeWeight'];
  constructor(private readonly inner: Backend) {
    this.name = inner.name;
    if (inner.bakeWeight) this.bakeWeight = (w) => inner.bakeWeight!(w);
  }
  async compile(graph: Graph, options?: CompileOptions): Promise<Executable> {
    this.compiled.push(options?.name ?? '?');
    const exe = await this.inner.compile(graph, options);
    return { run: (feeds) => exe.run(feeds), dispose: () => (this.disposed++, exe.dispose()) };
  }
  upload(t: Tensor) {
    return this.inner.upload(t);
  }
  count(name: string): number {
    return this.compiled.filter((n) => n === name).length;
  }
}

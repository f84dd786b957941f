/**
 * Work in flight keeps the process alive: nothing is awaited at the top level, so only the
 * pending batch (a worker decoding it) holds the event loop. Run by hostile-exit.test.ts,
 * which expects the line below before the process ends. Argument: the image folder.
 */
import { flowFromDirectory } from '@layerwise/data';

const quiet = { warn: () => {}, info: () => {} };
void flowFromDirectory(process.argv[2], { targetSize: [8, 8], batchSize: 6, workers: 2, shuffle: false, log: quiet })
  .then((it) => it.getBatch(0))
  .then(([x]) => console.log(`batch ${x.shape.join('x')}`));

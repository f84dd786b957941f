/** The help texts: `layerwise --help` (every command) and `layerwise <command> --help` (its options). */
import { COMMANDS } from './command-table.js';

export function mainHelp(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  return [
    'layerwise: the Keras tutorial\'s programs, on Layerwise',
    '',
    'Usage: layerwise <command> [options]',
    '',
    'Commands:',
    ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.section.padEnd(7)}  ${c.summary}`),
    '',
    'Options:',
    '  -h, --help     show this help',
    '  --version      print the version',
    '',
    "Run 'layerwise <command> --help' for a command's options.",
    'Data: Fashion-MNIST by default, from ~/.layerwise, Keras\' cache, /usr/share/datasets/fashion-mnist',
    '(Debian), else downloaded; offline with no copy, the embedded sample (4000 train / 1000 test).',
    '',
  ].join('\n');
}

export function commandHelp(name: string): string {
  const c = COMMANDS[name];
  const flags = Object.entries(c.options).map(([o, s]) => [`${s.short ? `-${s.short}, ` : '    '}--${o}${s.arg ? ` ${s.arg}` : ''}`, s.help]);
  const width = Math.max(...flags.map(([f]) => f.length));
  return [
    `Usage: layerwise ${name} ${c.usage ?? '[options]'}`,
    '',
    `${/^\d/.test(c.section) ? `Tutorial section ${c.section}: ` : ''}${c.summary}.`,
    '',
    c.description,
    '',
    'Options:',
    ...flags.map(([f, h]) => `  ${f.padEnd(width)}  ${h}`),
    '',
  ].join('\n');
}

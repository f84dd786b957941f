/** Every `layerwise` command, in the order the main help lists them. */
import type { CommandSpec } from './arguments.js';
import { TRAINING_COMMANDS } from './training-commands.js';
import { PRETRAINED_COMMANDS } from './pretrained-commands.js';

export const COMMANDS: Record<string, CommandSpec> = { ...TRAINING_COMMANDS, ...PRETRAINED_COMMANDS };

// Keras words its two argument errors slightly differently in each application module; each
// model here uses the wording of its Keras twin (keras/src/applications/*.py).

export interface ArgumentMessages {
  /** `weights` is neither null, 'imagenet' nor an existing file. */
  weights: (weights: string) => string;
  /** ImageNet weights with the classifier but classes ≠ 1000. */
  classes: (classes: number) => string;
}

const WEIGHTS_START = 'The `weights` argument should be either `None` (random initialization), ';

/** vgg16.py, vgg19.py, resnet.py. */
export const VGG_MESSAGES: ArgumentMessages = {
  weights: (w) => `${WEIGHTS_START}'imagenet' (pre-training on ImageNet), or the path to the weights file to be loaded.  Received: weights=${w}`,
  classes: (c) => `If using \`weights='imagenet'\` with \`include_top=True\`, \`classes\` should be 1000.  Received classes=${c}`,
};

/** inception_v3.py. */
export const INCEPTION_MESSAGES: ArgumentMessages = {
  weights: (w) => `${WEIGHTS_START}\`imagenet\` (pre-training on ImageNet), or the path to the weights file to be loaded; Received: weights=${w}`,
  classes: (c) => `If using \`weights="imagenet"\` with \`include_top=True\`, \`classes\` should be 1000. Received classes=${c}`,
};

/** xception.py (its weights message names no value). */
export const XCEPTION_MESSAGES: ArgumentMessages = {
  weights: () => `${WEIGHTS_START}'imagenet' (pre-training on ImageNet), or the path to the weights file to be loaded.`,
  classes: VGG_MESSAGES.classes,
};

/** mobilenet_v2.py. */
export const MOBILENET_MESSAGES: ArgumentMessages = {
  weights: (w) => `${WEIGHTS_START}\`imagenet\` (pre-training on ImageNet), or the path to the weights file to be loaded.  Received \`weights=${w}\``,
  classes: (c) => `If using \`weights="imagenet"\` with \`include_top\` as true, \`classes\` should be 1000. Received \`classes=${c}\``,
};

// @layerwise/plot — pictures of models and of training. The public API is what README.md documents:
//   plotModel(model, { toFile, showShapes, … })  keras.utils.plot_model (Graphviz, wasm)
//   plotHistory(histories, { toFile, metrics })  History curves as the tutorial draws them (Vega-Lite)
export { plotModel, type PlotModelOptions } from './plot-model.js';
export { modelToDot, modelToDotGraph, type DotGraph, type ModelToDotOptions } from './model-to-dot.js';
export { plotHistory, historySpec, type HistoryLike, type PlotHistoryOptions } from './history.js';
export { FONT_STACK } from './fonts.js';

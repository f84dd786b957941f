/** Errors a user can act on. Each names the layer, argument, shape or file at fault. */
export class LayerwiseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}
/** A shape that does not fit: names the layer and the expected and actual shapes. */
export class ShapeError extends LayerwiseError {}
/** A bad argument or configuration value: names the argument and what was given. */
export class ConfigError extends LayerwiseError {}
/** Unreadable, truncated or inconsistent data: names the file or array at fault. */
export class DataError extends LayerwiseError {}
/** A weights file or tensor that does not match the model. */
export class WeightsError extends LayerwiseError {}
/** No compute backend installed, or the one asked for is missing: names the package to install. */
export class BackendUnavailableError extends LayerwiseError {}
/** A backend cannot run an op: names the op and the layer it came from. */
export class UnsupportedOpError extends LayerwiseError {}

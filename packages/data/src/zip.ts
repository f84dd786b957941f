/**
 * The zip reader/writer lives in @layerwise/core (Keras' .keras files are zip archives, and core
 * cannot depend on data); .npz files and downloaded archives use the same one.
 */
export { isZip, readZip, writeZip, type ReadZipOptions } from '@layerwise/core';

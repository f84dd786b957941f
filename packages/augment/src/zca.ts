/** ZCA whitening (Keras' ImageDataGenerator: fit computes the matrix, standardize applies it), in float64. */
import { ShapeError, Tensor } from '@layerwise/core';
import { symmetricEigen } from './linalg.js';

/** Keras' ZCA matrix: u · diag(sqrt(n) / (s + eps)) · uᵀ from the SVD of xᵀ (k = min(n, d) components). */
export function zcaMatrix(x: Float32Array, n: number, d: number, eps: number): Tensor {
  const k = Math.min(n, d);
  const u = new Float64Array(d * k); // column j = j-th left singular vector of xᵀ
  const s = new Float64Array(k);
  if (d <= n) {
    const cov = new Float64Array(d * d);
    for (let r = 0; r < n; r++)
      for (let i = 0; i < d; i++) {
        const a = x[r * d + i];
        if (a === 0) continue;
        for (let j = i; j < d; j++) cov[i * d + j] += a * x[r * d + j];
      }
    for (let i = 0; i < d; i++) for (let j = 0; j < i; j++) cov[i * d + j] = cov[j * d + i];
    const { values, vectors } = symmetricEigen(cov, d);
    for (let j = 0; j < k; j++) {
      s[j] = Math.sqrt(Math.max(0, values[j]));
      for (let i = 0; i < d; i++) u[i * k + j] = vectors[i * d + j];
    }
  } else {
    // Gram matrix x xᵀ (n × n) = V S² Vᵀ; u_j = xᵀ v_j / s_j.
    const gram = new Float64Array(n * n);
    for (let a = 0; a < n; a++)
      for (let b = a; b < n; b++) {
        let t = 0;
        for (let i = 0; i < d; i++) t += x[a * d + i] * x[b * d + i];
        gram[a * n + b] = t;
        gram[b * n + a] = t;
      }
    const { values, vectors } = symmetricEigen(gram, n);
    for (let j = 0; j < k; j++) {
      s[j] = Math.sqrt(Math.max(0, values[j]));
      if (s[j] === 0) continue;
      for (let i = 0; i < d; i++) {
        let t = 0;
        for (let a = 0; a < n; a++) t += x[a * d + i] * vectors[a * n + j];
        u[i * k + j] = t / s[j];
      }
    }
  }
  const sInv = Float64Array.from(s, (v) => Math.sqrt(n) / (v + eps));
  const w = new Float32Array(d * d);
  for (let i = 0; i < d; i++)
    for (let j = i; j < d; j++) {
      let t = 0;
      for (let c = 0; c < k; c++) t += u[i * k + c] * sInv[c] * u[j * k + c];
      w[i * d + j] = t;
      w[j * d + i] = t;
    }
  return new Tensor(w, [d, d], 'float32');
}

/** x (flat, whole images of the matrix's size back to back) times the ZCA matrix, row by row, in place. */
export function whiten(d: Float32Array, shape: readonly number[], matrix: Tensor): void {
  const dim = matrix.shape[0];
  if (d.length % dim !== 0) throw new ShapeError(`ImageDataGenerator.standardize: input of shape [${shape.join(', ')}] does not match the ZCA matrix fitted on images of ${dim} values`);
  const wm = matrix.data;
  const row = new Float64Array(dim);
  for (let r = 0; r < d.length / dim; r++) {
    row.fill(0);
    for (let k = 0; k < dim; k++) {
      const a = d[r * dim + k];
      if (a === 0) continue;
      const off = k * dim;
      for (let j = 0; j < dim; j++) row[j] += a * wm[off + j];
    }
    for (let j = 0; j < dim; j++) d[r * dim + j] = row[j];
  }
}

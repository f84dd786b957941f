/**
 * Chroma upsampling as libjpeg-turbo's jdsample.c does with do_fancy_upsampling (its
 * default; the merged upsampler is then never used), one output row at a time:
 *  - h2v1_fancy_upsample / h2v2_fancy_upsample: triangle filter, 3/4 nearer + 1/4 further
 *    sample per direction, with alternating rounding biases — fused into the colour
 *    conversion (color.ts row422 / row420); only for components wider than 2 samples, else
 *    the box filters h2v1_upsample / h2v2_upsample (h2Box here);
 *  - h1v2_fancy_upsample (4:4:0): vertical triangle filter (h1v2Fancy here).
 * Widths are the component's downsampled_width = ceil(image_width · h / max_h): the last
 * real column is the right edge, not the block padding. Vertically the "row above" the
 * first row and the "row below" the last real row (downsampled_height = ceil(image_height
 * · v / max_v)) are those rows themselves, as jdmainct.c's context pointers
 * (make_funny_pointers, set_bottom_pointers) supply them.
 */

/**
 * h1v2 fancy: nearer row src[o0], further row src[o1] (above for even output rows, below
 * for odd ones); the rounding term is 1 for the upper output row and 2 for the lower.
 */
export function h1v2Fancy(src: Uint8Array, o0: number, o1: number, dw: number, bias: number, dst: Uint8Array): void {
  for (let j = 0; j < dw; j++) dst[j] = (src[o0 + j] * 3 + src[o1 + j] + bias) >> 2;
}

/** Box filter for 2× horizontal (h2v1_upsample, h2v2_upsample rows): `w` outputs. */
export function h2Box(src: Uint8Array, o: number, w: number, dst: Uint8Array): void {
  for (let x = 0; x < w; x++) dst[x] = src[o + (x >> 1)];
}

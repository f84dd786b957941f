;; bytes → float32 · scale, 16 at a time (WebAssembly SIMD). The source of
;; bytes-to-floats.ts (see scripts/build-wasm.mjs): convert(src, dst, n, scale) writes
;; dst[i] = f32(src[i]) * scale for i < n, n a multiple of 16; src and dst are byte offsets.
;; The products are exact before rounding (8-bit × 24-bit), so they equal JavaScript's
;; Math.fround(v * scale).
(module
  (memory (export "memory") 1)
  (func (export "convert") (param $src i32) (param $dst i32) (param $n i32) (param $scale f32)
    (local $end i32) (local $v v128) (local $s v128) (local $h v128)
    (local.set $s (f32x4.splat (local.get $scale)))
    (local.set $end (i32.add (local.get $src) (local.get $n)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $src) (local.get $end)))
        (local.set $v (v128.load (local.get $src)))
        (local.set $h (i16x8.extend_low_i8x16_u (local.get $v)))
        (v128.store offset=0 (local.get $dst)
          (f32x4.mul (f32x4.convert_i32x4_u (i32x4.extend_low_i16x8_u (local.get $h))) (local.get $s)))
        (v128.store offset=16 (local.get $dst)
          (f32x4.mul (f32x4.convert_i32x4_u (i32x4.extend_high_i16x8_u (local.get $h))) (local.get $s)))
        (local.set $h (i16x8.extend_high_i8x16_u (local.get $v)))
        (v128.store offset=32 (local.get $dst)
          (f32x4.mul (f32x4.convert_i32x4_u (i32x4.extend_low_i16x8_u (local.get $h))) (local.get $s)))
        (v128.store offset=48 (local.get $dst)
          (f32x4.mul (f32x4.convert_i32x4_u (i32x4.extend_high_i16x8_u (local.get $h))) (local.get $s)))
        (local.set $src (i32.add (local.get $src) (i32.const 16)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 64)))
        (br $next)))))

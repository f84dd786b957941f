;; Pillow's two-pass fixed-point resampling (Resample.c, 8 bits per channel) with WebAssembly
;; SIMD, the same integer arithmetic: sums start at 1 << 21 (half of 1 << 22), add
;; pixel · weight (int32), shift right by 22 and clamp to 0..255. The source of resample.ts
;; (scripts/build-wasm.mjs). Buffers need 16 bytes of slack after them (reads and writes
;; spill past the last pixel; the spilled bytes are overwritten or unused).
(module
  (memory (export "memory") 1)

  ;; out = clamp((acc >> 22), 0, 255) as bytes, lanes 0..3 in the low 4 bytes
  (func $pack (param $acc v128) (result v128)
    (i8x16.narrow_i16x8_u
      (i16x8.narrow_i32x4_s (i32x4.shr_s (local.get $acc) (i32.const 22)) (local.get $acc))
      (i16x8.splat (i32.const 0))))

  ;; Horizontal pass: `rows` rows of `srcRow` bytes, c channels (1..4) per pixel; output
  ;; pixel xx of a row is Σ_k src[(xmin + k)·c + ch] · kk[xx·ksize + k], k < count, where
  ;; bounds[2·xx] = xmin, bounds[2·xx + 1] = count (int32 arrays at `bounds`, `kk`).
  (func (export "horizontal")
    (param $src i32) (param $srcRow i32) (param $rows i32) (param $dst i32) (param $outW i32)
    (param $c i32) (param $bounds i32) (param $kk i32) (param $ksize i32)
    (local $r i32) (local $xx i32) (local $p i32) (local $k i32) (local $n i32) (local $w i32)
    (local $acc v128) (local $o i32)
    (local.set $o (local.get $dst))
    (block $rowsDone (loop $rowLoop
      (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $rows)))
      (local.set $xx (i32.const 0))
      (block $pixDone (loop $pixLoop
        (br_if $pixDone (i32.ge_u (local.get $xx) (local.get $outW)))
        (local.set $p (i32.add (i32.add (local.get $src) (i32.mul (local.get $r) (local.get $srcRow)))
          (i32.mul (i32.load (i32.add (local.get $bounds) (i32.shl (local.get $xx) (i32.const 3)))) (local.get $c))))
        (local.set $n (i32.load offset=4 (i32.add (local.get $bounds) (i32.shl (local.get $xx) (i32.const 3)))))
        (local.set $w (i32.add (local.get $kk) (i32.shl (i32.mul (local.get $xx) (local.get $ksize)) (i32.const 2))))
        (local.set $acc (i32x4.splat (i32.const 2097152)))
        (local.set $k (i32.const 0))
        (block $tapDone (loop $tapLoop
          (br_if $tapDone (i32.ge_u (local.get $k) (local.get $n)))
          (local.set $acc (i32x4.add (local.get $acc)
            (i32x4.mul
              (i32x4.extend_low_i16x8_u (i16x8.extend_low_i8x16_u (v128.load32_zero (local.get $p))))
              (i32x4.splat (i32.load (local.get $w))))))
          (local.set $p (i32.add (local.get $p) (local.get $c)))
          (local.set $w (i32.add (local.get $w) (i32.const 4)))
          (local.set $k (i32.add (local.get $k) (i32.const 1)))
          (br $tapLoop)))
        (v128.store32_lane 0 (local.get $o) (call $pack (local.get $acc)))
        (local.set $o (i32.add (local.get $o) (local.get $c)))
        (local.set $xx (i32.add (local.get $xx) (i32.const 1)))
        (br $pixLoop)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $rowLoop))))

  ;; Vertical pass: output row yy (rowBytes bytes) is Σ_k src row (bounds[2·yy] − yShift + k)
  ;; · kk[yy·ksize + k], k < bounds[2·yy + 1]; 16 bytes at a time.
  (func (export "vertical")
    (param $src i32) (param $rowBytes i32) (param $outH i32) (param $dst i32)
    (param $bounds i32) (param $kk i32) (param $ksize i32) (param $yShift i32)
    (local $yy i32) (local $x i32) (local $k i32) (local $n i32) (local $row0 i32) (local $w i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $v v128) (local $h v128)
    (local $wt v128) (local $p i32) (local $o i32)
    (block $rowsDone (loop $rowLoop
      (br_if $rowsDone (i32.ge_u (local.get $yy) (local.get $outH)))
      (local.set $row0 (i32.add (local.get $src) (i32.mul (local.get $rowBytes)
        (i32.sub (i32.load (i32.add (local.get $bounds) (i32.shl (local.get $yy) (i32.const 3)))) (local.get $yShift)))))
      (local.set $n (i32.load offset=4 (i32.add (local.get $bounds) (i32.shl (local.get $yy) (i32.const 3)))))
      (local.set $o (i32.add (local.get $dst) (i32.mul (local.get $yy) (local.get $rowBytes))))
      (local.set $x (i32.const 0))
      (block $chunkDone (loop $chunkLoop
        (br_if $chunkDone (i32.ge_u (local.get $x) (local.get $rowBytes)))
        (local.set $a0 (i32x4.splat (i32.const 2097152)))
        (local.set $a1 (local.get $a0)) (local.set $a2 (local.get $a0)) (local.set $a3 (local.get $a0))
        (local.set $p (i32.add (local.get $row0) (local.get $x)))
        (local.set $w (i32.add (local.get $kk) (i32.shl (i32.mul (local.get $yy) (local.get $ksize)) (i32.const 2))))
        (local.set $k (i32.const 0))
        (block $tapDone (loop $tapLoop
          (br_if $tapDone (i32.ge_u (local.get $k) (local.get $n)))
          (local.set $wt (i32x4.splat (i32.load (local.get $w))))
          (local.set $v (v128.load (local.get $p)))
          (local.set $h (i16x8.extend_low_i8x16_u (local.get $v)))
          (local.set $a0 (i32x4.add (local.get $a0) (i32x4.mul (i32x4.extend_low_i16x8_u (local.get $h)) (local.get $wt))))
          (local.set $a1 (i32x4.add (local.get $a1) (i32x4.mul (i32x4.extend_high_i16x8_u (local.get $h)) (local.get $wt))))
          (local.set $h (i16x8.extend_high_i8x16_u (local.get $v)))
          (local.set $a2 (i32x4.add (local.get $a2) (i32x4.mul (i32x4.extend_low_i16x8_u (local.get $h)) (local.get $wt))))
          (local.set $a3 (i32x4.add (local.get $a3) (i32x4.mul (i32x4.extend_high_i16x8_u (local.get $h)) (local.get $wt))))
          (local.set $p (i32.add (local.get $p) (local.get $rowBytes)))
          (local.set $w (i32.add (local.get $w) (i32.const 4)))
          (local.set $k (i32.add (local.get $k) (i32.const 1)))
          (br $tapLoop)))
        (v128.store (i32.add (local.get $o) (local.get $x))
          (i8x16.narrow_i16x8_u
            (i16x8.narrow_i32x4_s (i32x4.shr_s (local.get $a0) (i32.const 22)) (i32x4.shr_s (local.get $a1) (i32.const 22)))
            (i16x8.narrow_i32x4_s (i32x4.shr_s (local.get $a2) (i32.const 22)) (i32x4.shr_s (local.get $a3) (i32.const 22)))))
        (local.set $x (i32.add (local.get $x) (i32.const 16)))
        (br $chunkLoop)))
      (local.set $yy (i32.add (local.get $yy) (i32.const 1)))
      (br $rowLoop)))))

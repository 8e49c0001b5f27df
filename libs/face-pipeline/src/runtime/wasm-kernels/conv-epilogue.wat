;; The generator's fused conv epilogue, in WebAssembly SIMD, on the tfjs wasm backend's own memory:
;;   out[b,p,c] = lrelu(y[b,p,c] * d[b,c] + noise[b|0,p] * strength + bias[c], alpha)
;; with the stock ops' float32 order of operations ((y*d + n*s) + bias, then max(v, alpha*v), which
;; is the leaky ReLU for 0 < alpha < 1), so the result equals the four stock kernels bit for bit.
;; Pointers are byte offsets into the imported memory; c must be a multiple of 4 (the caller checks).
;; noise = 0 means no noise; nstride is the noise map's byte step per batch item (0: one shared map).
;; Compiled by libs/face-pipeline/src/cli/build-wasm-kernels.ts into conv-epilogue-wasm.ts.
(module
  (import "env" "memory" (memory 1))
  (func (export "epilogue")
    (param $y i32) (param $d i32) (param $bias i32) (param $noise i32) (param $nstride i32)
    (param $strength f32) (param $alpha f32) (param $out i32) (param $b i32) (param $hw i32) (param $c i32)
    (local $bi i32) (local $p i32) (local $ch i32) (local $rowbytes i32) (local $drow i32) (local $nrow i32)
    (local $nv v128) (local $a v128) (local $v v128)
    (local.set $a (f32x4.splat (local.get $alpha)))
    (local.set $rowbytes (i32.shl (local.get $c) (i32.const 2)))
    (local.set $drow (local.get $d))
    (local.set $nrow (local.get $noise))
    (block $bdone
      (loop $bloop
        (br_if $bdone (i32.ge_u (local.get $bi) (local.get $b)))
        (local.set $p (i32.const 0))
        (block $pdone
          (loop $ploop
            (br_if $pdone (i32.ge_u (local.get $p) (local.get $hw)))
            (local.set $ch (i32.const 0))
            (if (local.get $noise)
              (then
                (local.set $nv
                  (f32x4.splat
                    (f32.mul
                      (f32.load (i32.add (local.get $nrow) (i32.shl (local.get $p) (i32.const 2))))
                      (local.get $strength))))
                (block $cdone
                  (loop $cloop
                    (br_if $cdone (i32.ge_u (local.get $ch) (local.get $rowbytes)))
                    (local.set $v
                      (f32x4.add
                        (f32x4.add
                          (f32x4.mul (v128.load (local.get $y)) (v128.load (i32.add (local.get $drow) (local.get $ch))))
                          (local.get $nv))
                        (v128.load (i32.add (local.get $bias) (local.get $ch)))))
                    (v128.store (local.get $out) (f32x4.max (local.get $v) (f32x4.mul (local.get $v) (local.get $a))))
                    (local.set $y (i32.add (local.get $y) (i32.const 16)))
                    (local.set $out (i32.add (local.get $out) (i32.const 16)))
                    (local.set $ch (i32.add (local.get $ch) (i32.const 16)))
                    (br $cloop))))
              (else
                (block $cdone2
                  (loop $cloop2
                    (br_if $cdone2 (i32.ge_u (local.get $ch) (local.get $rowbytes)))
                    (local.set $v
                      (f32x4.add
                        (f32x4.mul (v128.load (local.get $y)) (v128.load (i32.add (local.get $drow) (local.get $ch))))
                        (v128.load (i32.add (local.get $bias) (local.get $ch)))))
                    (v128.store (local.get $out) (f32x4.max (local.get $v) (f32x4.mul (local.get $v) (local.get $a))))
                    (local.set $y (i32.add (local.get $y) (i32.const 16)))
                    (local.set $out (i32.add (local.get $out) (i32.const 16)))
                    (local.set $ch (i32.add (local.get $ch) (i32.const 16)))
                    (br $cloop2)))))
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (br $ploop)))
        (local.set $drow (i32.add (local.get $drow) (local.get $rowbytes)))
        (local.set $nrow (i32.add (local.get $nrow) (local.get $nstride)))
        (local.set $bi (i32.add (local.get $bi) (i32.const 1)))
        (br $bloop)))))

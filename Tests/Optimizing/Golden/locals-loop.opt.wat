;;! stage = optimize
;; A counting loop: the loop header gets block parameters for the locals it changes.
(module
  (func (export "sum") (param $n i32) (result i32)
    (local $i i32) (local $acc i32)
    (block $done
      (loop $top
        (br_if $done (i32.ge_s (local.get $i) (local.get $n)))
        (local.set $acc (i32.add (local.get $acc) (local.get $i)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $top)))
    (local.get $acc)))

;; ---- expected output (regenerate with HOIST_BLESS=1) ----
;; function %func0 wasm (i64, i32) -> i32 {
;; block0(v0: i64, v1: i32):
;;     v10 = iconst.i32 0
;;     jump block1(v10, v10)
;;
;; block1(v2: i32, v5: i32):
;;     v4 = icmp.i32 sge v2, v1
;;     brif v4, block2, block3
;;
;; block3:
;;     v6 = iadd.i32 v5, v2
;;     v7 = iconst.i32 1
;;     v8 = iadd.i32 v2, v7
;;     jump block1(v8, v6)
;;
;; block2:
;;     return v5
;; }

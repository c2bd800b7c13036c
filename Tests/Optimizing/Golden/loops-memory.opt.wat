;;! stage = optimize
;; The loop passes together: a struct-like read of three fields (one bounds check after bce), a loop summing
;; an array whose memory size and base leave the loop (rle + licm), a division by a constant (strength), and
;; the layout (the loop contiguous, the trap-free successor after each branch).
(module
  (memory 1)
  (func (export "fields") (param $p i32) (result i32)
    (i32.add (i32.add (i32.load (local.get $p)) (i32.load offset=4 (local.get $p)))
             (i32.load offset=8 (local.get $p))))
  (func (export "sum") (param $p i32) (param $n i32) (result i32)
    (local $i i32) (local $acc i32)
    (block $done
      (loop $top
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $acc (i32.add (local.get $acc)
          (i32.load (i32.add (local.get $p) (i32.shl (local.get $i) (i32.const 2))))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $top)))
    (i32.div_u (local.get $acc) (i32.const 10))))

;; ---- expected output (regenerate with HOIST_BLESS=1) ----
;; function %func0 wasm (i64, i32) -> i32 {
;; block0(v0: i64, v1: i32):
;;     v2 = uextend v1
;;     v3 = load.i64 movable mem_size0 v0+8
;;     bounds_check v2+12, v3, memory_out_of_bounds
;;     v4 = load.i64 movable const v0
;;     v5 = iadd.i64 v4, v2
;;     v6 = load.i32 mem0 v5
;;     v11 = load.i32 mem0 v5+4
;;     v12 = iadd.i32 v6, v11
;;     v17 = load.i32 mem0 v5+8
;;     v18 = iadd.i32 v12, v17
;;     return v18
;; }
;;
;; function %func1 wasm (i64, i32, i32) -> i32 {
;; block0(v0: i64, v1: i32, v2: i32):
;;     v20 = iconst.i32 0
;;     v12 = load.i64 movable mem_size0 v0+8
;;     v13 = load.i64 movable const v0
;;     jump block1(v20, v20)
;;
;; block1(v3: i32, v6: i32):
;;     v5 = icmp.i32 uge v3, v2
;;     brif v5, block2, block3
;;
;; block3:
;;     v8 = iconst.i32 2
;;     v9 = ishl.i32 v3, v8
;;     v10 = iadd.i32 v1, v9
;;     v11 = uextend v10
;;     bounds_check v11+4, v12, memory_out_of_bounds
;;     v14 = iadd.i64 v13, v11
;;     v15 = load.i32 mem0 v14
;;     v16 = iadd.i32 v6, v15
;;     v17 = iconst.i32 1
;;     v18 = iadd.i32 v3, v17
;;     jump block1(v18, v16)
;;
;; block2:
;;     v23 = iconst.i32 -858993459
;;     v24 = umulhi.i32 v6, v23
;;     v25 = iconst.i32 3
;;     v26 = ushr.i32 v24, v25
;;     return v26
;; }

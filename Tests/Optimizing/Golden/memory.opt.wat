;;! stage = optimize
;; Loads and stores: explicit bounds checks against the memory's size, then an access at base + index + offset.
(module
  (memory 1)
  (global $g (mut i32) (i32.const 0))
  (func (export "copy") (param $dst i32) (param $src i32)
    (i32.store offset=4 (local.get $dst) (i32.load8_u offset=1 (local.get $src))))
  (func (export "bump") (result i32)
    (global.set $g (i32.add (global.get $g) (i32.const 1)))
    (global.get $g))
  (func (export "grow") (param i32) (result i32)
    (drop (memory.grow (local.get 0)))
    (memory.size)))

;; ---- expected output (regenerate with HOIST_BLESS=1) ----
;; function %func0 wasm (i64, i32, i32) {
;; block0(v0: i64, v1: i32, v2: i32):
;;     v3 = uextend v2
;;     v4 = load.i64 movable mem_size0 v0+8
;;     bounds_check v3+2, v4, memory_out_of_bounds
;;     v5 = load.i64 movable const v0
;;     v6 = iadd.i64 v5, v3
;;     v7 = uload8.i32 mem0 v6+1
;;     v8 = uextend v1
;;     bounds_check v8+8, v4, memory_out_of_bounds
;;     v11 = iadd.i64 v5, v8
;;     store.i32 mem0 v11+4, v7
;;     return
;; }
;;
;; function %func1 wasm (i64) -> i32 {
;; block0(v0: i64):
;;     v1 = load.i32 movable global0 v0+48
;;     v2 = iconst.i32 1
;;     v3 = iadd.i32 v1, v2
;;     store.i32 global0 v0+48, v3
;;     return v3
;; }
;;
;; function %func2 wasm (i64, i32) -> i32 {
;;     sig0 = sysv (i64, i32, i64) -> i64
;;
;; block0(v0: i64, v1: i32):
;;     v2 = uextend v1
;;     v3 = iconst.i32 0
;;     v4 = load.i64 movable const v0+24
;;     v5 = load.i64 movable const v4
;;     v6 = call_indirect sig0, v5(v0, v3, v2)
;;     v8 = load.i64 movable mem_size0 v0+8
;;     v9 = iconst.i64 16
;;     v10 = ushr.i64 v8, v9
;;     v11 = ireduce v10
;;     return v11
;; }

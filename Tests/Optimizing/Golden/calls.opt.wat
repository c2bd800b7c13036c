;;! stage = optimize
;; Direct, imported and indirect calls, and a br_table.
(module
  (type $t (func (param i32) (result i32)))
  (import "env" "f" (func $imported (param i32) (result i32)))
  (table 4 funcref)
  (func $double (type $t) (i32.mul (local.get 0) (i32.const 2)))
  (func (export "dispatch") (param $i i32) (param $x i32) (result i32)
    (block $b2 (block $b1 (block $b0
      (br_table $b0 $b1 $b2 (local.get $i)))
      (return (call $double (local.get $x))))
      (return (call $imported (local.get $x))))
    (call_indirect (type $t) (local.get $x) (local.get $i))))

;; ---- expected output (regenerate with HOIST_BLESS=1) ----
;; function %double wasm (i64, i32) -> i32 {
;; block0(v0: i64, v1: i32):
;;     v4 = iconst.i32 1
;;     v3 = ishl.i32 v1, v4
;;     return v3
;; }
;;
;; function %func2 wasm (i64, i32, i32) -> i32 {
;;     sig0 = wasm (i64, i32) -> i32
;;     fn0 = func 1 sig0
;;
;; block0(v0: i64, v1: i32, v2: i32):
;;     br_table v1, block1, [block2, block3]
;;
;; block1:
;;     v7 = uextend v1
;;     v8 = load.i64 movable table_meta0 v0+56
;;     bounds_check v7+1, v8, undefined_element
;;     v9 = load.i64 movable table_meta0 v0+48
;;     v10 = iconst.i64 3
;;     v11 = ishl.i64 v7, v10
;;     v12 = iadd.i64 v9, v11
;;     v13 = load.i64 table0 v12
;;     trapz v13, uninitialized_element
;;     v14 = load.i32 const v13+8
;;     v15 = load.i32 movable const v0+112
;;     v16 = icmp.i32 ne v14, v15
;;     trapnz v16, indirect_call_type_mismatch
;;     v17 = load.i64 const v13
;;     v18 = load.i64 const v13+16
;;     v19 = call_indirect sig0, v17(v18, v2)
;;     return v19
;;
;; block2:
;;     v3 = call fn0(v0, v2)
;;     return v3
;;
;; block3:
;;     v4 = load.i64 movable const v0+24
;;     v5 = load.i64 movable const v0+32
;;     v6 = call_indirect sig0, v4(v5, v2)
;;     return v6
;; }

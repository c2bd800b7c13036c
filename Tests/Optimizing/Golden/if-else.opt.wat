;;! stage = optimize
;; if/else with results, an if without else that changes a local, and select.
(module
  (func (export "max") (param i32 i32) (result i32)
    (if (result i32) (i32.gt_s (local.get 0) (local.get 1))
      (then (local.get 0))
      (else (local.get 1))))
  (func (export "clamp") (param $x i32) (result i32)
    (if (i32.lt_s (local.get $x) (i32.const 0))
      (then (local.set $x (i32.const 0))))
    (select (local.get $x) (i32.const 100) (i32.lt_s (local.get $x) (i32.const 100)))))

;; ---- expected output (regenerate with HOIST_BLESS=1) ----
;; function %func0 wasm (i64, i32, i32) -> i32 {
;; block0(v0: i64, v1: i32, v2: i32):
;;     v3 = icmp.i32 sgt v1, v2
;;     brif v3, block1, block2
;;
;; block1:
;;     jump block3(v1)
;;
;; block2:
;;     jump block3(v2)
;;
;; block3(v4: i32):
;;     return v4
;; }
;;
;; function %func1 wasm (i64, i32) -> i32 {
;; block0(v0: i64, v1: i32):
;;     v2 = iconst.i32 0
;;     v3 = icmp.i32 slt v1, v2
;;     brif v3, block1, block3(v1)
;;
;; block1:
;;     v10 = iconst.i32 0
;;     jump block3(v10)
;;
;; block3(v5: i32):
;;     v6 = iconst.i32 100
;;     v8 = icmp.i32 slt v5, v6
;;     v9 = select.i32 v8, v5, v6
;;     return v9
;; }

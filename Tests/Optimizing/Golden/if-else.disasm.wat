;;! stage = disasm
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
;; function 0:
;;   ;; -
;;      0: push    rbp
;;      1: mov     rbp,rsp
;;      4: push    r14
;;      6: mov     r11,[r14]
;;      9: lea     rax,[rsp-8]
;;      e: cmp     rax,[r11]
;;     11: jb      0000000000000034h
;;     17: sub     rsp,8
;;     1b: mov     edi,edi
;;     1d: mov     esi,esi
;;   ;; @39
;;     1f: cmp     edi,esi
;;     21: jle     000000000000002Fh
;;     27: mov     rax,rdi
;;   ;; @3d
;;     2a: jmp     0000000000000032h
;;     2f: mov     rax,rsi
;;   ;; @41
;;     32: leave
;;     33: ret
;;   ;; -
;;     34: call    0000000000000039h
;;
;; function 1:
;;   ;; -
;;      0: push    rbp
;;      1: mov     rbp,rsp
;;      4: push    r14
;;      6: mov     r11,[r14]
;;      9: lea     rax,[rsp-8]
;;      e: cmp     rax,[r11]
;;     11: jb      0000000000000038h
;;     17: sub     rsp,8
;;     1b: mov     edi,edi
;;   ;; @49
;;     1d: cmp     edi,0
;;     20: jge     000000000000002Bh
;;   ;; -
;;     26: xor     eax,eax
;;     28: mov     rdi,rax
;;   ;; @52
;;     2b: mov     eax,64h
;;   ;; @5b
;;     30: cmp     edi,64h
;;     33: cmovl   eax,edi
;;   ;; @5c
;;     36: leave
;;     37: ret
;;   ;; -
;;     38: call    000000000000003Dh

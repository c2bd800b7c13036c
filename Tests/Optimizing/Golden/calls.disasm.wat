;;! stage = disasm
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
;; function 1:
;;   ;; -
;;      0: push    rbp
;;      1: mov     rbp,rsp
;;      4: push    r14
;;      6: mov     r11,[r14]
;;      9: lea     rax,[rsp-8]
;;      e: cmp     rax,[r11]
;;     11: jb      0000000000000024h
;;     17: sub     rsp,8
;;     1b: mov     edi,edi
;;   ;; @46
;;     1d: shl     edi,1
;;     1f: mov     rax,rdi
;;   ;; @47
;;     22: leave
;;     23: ret
;;   ;; -
;;     24: call    0000000000000029h
;;
;; function 2:
;;   ;; -
;;      0: push    rbp
;;      1: mov     rbp,rsp
;;      4: push    r14
;;      6: mov     r11,[r14]
;;      9: lea     rax,[rsp-8]
;;      e: cmp     rax,[r11]
;;     11: jb      00000000000000ACh
;;     17: sub     rsp,8
;;     1b: mov     edi,edi
;;     1d: mov     esi,esi
;;   ;; @52
;;     1f: cmp     edi,2
;;     22: jae     0000000000000039h
;;     28: lea     r11,[0A4h]
;;     2f: movsxd  rax,[r11+rdi*4]
;;     33: add     r11,rax
;;     36: jmp     r11
;;   ;; @68
;;     39: lea     r11,[rdi+1]
;;     3d: cmp     r11,[r14+38h]
;;     41: ja      00000000000000B1h
;;     47: mov     rax,[r14+30h]
;;     4b: mov     rax,[rax+rdi*8]
;;     4f: test    rax,rax
;;     52: je      00000000000000B6h
;;     58: mov     ecx,[rax+8]
;;     5b: cmp     ecx,[r14+70h]
;;     5f: jne     00000000000000BBh
;;     65: mov     rcx,[rax]
;;     68: mov     rax,[rax+10h]
;;     6c: mov     rdi,rsi
;;     6f: mov     r14,rax
;;     72: call    rcx
;;     74: mov     r14,[rbp-8]
;;     78: mov     eax,eax
;;   ;; @6b
;;     7a: leave
;;     7b: ret
;;     7c: mov     rdi,rsi
;;   ;; @5a
;;     7f: call    0000000000000084h
;;     84: mov     r14,[rbp-8]
;;     88: mov     eax,eax
;;   ;; @5c
;;     8a: leave
;;     8b: ret
;;   ;; @60
;;     8c: mov     rax,[r14+18h]
;;     90: mov     rcx,[r14+20h]
;;     94: mov     rdi,rsi
;;     97: mov     r14,rcx
;;     9a: call    rax
;;     9c: mov     r14,[rbp-8]
;;     a0: mov     eax,eax
;;   ;; @62
;;     a2: leave
;;     a3: ret
;;     a4: fdivr   st,st(7)
;;     a6: (bad)
;;     a8: call    0FFFFFFFFE90000ACh
;;   ;; -
;;     ad: add     [rax],al
;;     af: add     [rax],al
;;   ;; @68
;;     b1: call    00000000000000B6h
;;     b6: call    00000000000000BBh
;;     bb: call    00000000000000C0h

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
;;     11: jb      00000000000000B0h
;;     17: sub     rsp,8
;;     1b: mov     edi,edi
;;     1d: mov     esi,esi
;;     1f: mov     rax,rdi
;;   ;; @52
;;     22: cmp     eax,2
;;     25: jae     000000000000003Ch
;;     2b: lea     r11,[0A8h]
;;     32: movsxd  rax,[r11+rax*4]
;;     36: add     r11,rax
;;     39: jmp     r11
;;   ;; @68
;;     3c: lea     r11,[rdi+1]
;;     40: cmp     r11,[r14+38h]
;;     44: ja      00000000000000B5h
;;     4a: mov     rax,[r14+30h]
;;     4e: mov     rax,[rax+rdi*8]
;;     52: test    rax,rax
;;     55: je      00000000000000BAh
;;     5b: mov     ecx,[rax+8]
;;     5e: cmp     ecx,[r14+70h]
;;     62: jne     00000000000000BFh
;;     68: mov     rcx,[rax]
;;     6b: mov     rax,[rax+10h]
;;     6f: mov     rdi,rsi
;;     72: mov     r14,rax
;;     75: call    rcx
;;     77: mov     r14,[rbp-8]
;;     7b: mov     eax,eax
;;   ;; @6b
;;     7d: leave
;;     7e: ret
;;     7f: mov     rdi,rsi
;;   ;; @5a
;;     82: call    0000000000000087h
;;     87: mov     r14,[rbp-8]
;;     8b: mov     eax,eax
;;   ;; @5c
;;     8d: leave
;;     8e: ret
;;   ;; @60
;;     8f: mov     rax,[r14+18h]
;;     93: mov     rcx,[r14+20h]
;;     97: mov     rdi,rsi
;;     9a: mov     r14,rcx
;;     9d: call    rax
;;     9f: mov     r14,[rbp-8]
;;     a3: mov     eax,eax
;;   ;; @62
;;     a5: leave
;;     a6: ret
;;     a7: int3
;;     a8: xlat    [rbx]
;;     a9: (bad)
;;     ab: jmp     rdi
;;     ad: (bad)
;;     af: (bad)
;;   ;; -
;;     b1: add     [rax],al
;;     b3: add     [rax],al
;;   ;; @68
;;     b5: call    00000000000000BAh
;;     ba: call    00000000000000BFh
;;     bf: call    00000000000000C4h

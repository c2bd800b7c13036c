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
;;     11: jb      00000000000000B4h
;;     17: sub     rsp,8
;;     1b: mov     edi,edi
;;     1d: mov     esi,esi
;;     1f: mov     rax,rdi
;;   ;; @52
;;     22: cmp     eax,2
;;     25: jae     0000000000000064h
;;     2b: lea     r11,[0ACh]
;;     32: movsxd  rax,[r11+rax*4]
;;     36: add     r11,rax
;;     39: jmp     r11
;;     3c: mov     rdi,rsi
;;   ;; @5a
;;     3f: call    0000000000000044h
;;     44: mov     r14,[rbp-8]
;;     48: mov     eax,eax
;;   ;; @5c
;;     4a: leave
;;     4b: ret
;;   ;; @60
;;     4c: mov     rax,[r14+18h]
;;     50: mov     rcx,[r14+20h]
;;     54: mov     rdi,rsi
;;     57: mov     r14,rcx
;;     5a: call    rax
;;     5c: mov     r14,[rbp-8]
;;     60: mov     eax,eax
;;   ;; @62
;;     62: leave
;;     63: ret
;;   ;; @68
;;     64: lea     r11,[rdi+1]
;;     68: cmp     r11,[r14+38h]
;;     6c: ja      00000000000000B9h
;;     72: mov     rax,[r14+30h]
;;     76: mov     rax,[rax+rdi*8]
;;     7a: test    rax,rax
;;     7d: je      00000000000000BEh
;;     83: mov     ecx,[rax+8]
;;     86: mov     edx,[r14+70h]
;;     8a: cmp     ecx,edx
;;     8c: jne     00000000000000C3h
;;     92: mov     rcx,[rax]
;;     95: mov     rax,[rax+10h]
;;     99: mov     rdi,rsi
;;     9c: mov     r14,rax
;;     9f: call    rcx
;;     a1: mov     r14,[rbp-8]
;;     a5: mov     eax,eax
;;   ;; @6b
;;     a7: leave
;;     a8: ret
;;     a9: int3
;;     aa: int3
;;     ab: int3
;;     ac: nop
;;     ad: (bad)
;;     af: jmp     qword ptr [rax-17000001h]
;;   ;; -
;;     b5: add     [rax],al
;;     b7: add     [rax],al
;;   ;; @68
;;     b9: call    00000000000000BEh
;;     be: call    00000000000000C3h
;;     c3: call    00000000000000C8h

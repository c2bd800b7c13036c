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
;;     25: jae     000000000000003Ch
;;     2b: lea     r11,[0ACh]
;;     32: movsxd  rax,[r11+rax*4]
;;     36: add     r11,rax
;;     39: jmp     r11
;;   ;; @68
;;     3c: lea     r11,[rdi+1]
;;     40: cmp     r11,[r14+38h]
;;     44: ja      00000000000000B9h
;;     4a: mov     rax,[r14+30h]
;;     4e: mov     rax,[rax+rdi*8]
;;     52: test    rax,rax
;;     55: je      00000000000000BEh
;;     5b: mov     ecx,[rax+8]
;;     5e: mov     edx,[r14+70h]
;;     62: cmp     ecx,edx
;;     64: jne     00000000000000C3h
;;     6a: mov     rcx,[rax]
;;     6d: mov     rax,[rax+10h]
;;     71: mov     rdi,rsi
;;     74: mov     r14,rax
;;     77: call    rcx
;;     79: mov     r14,[rbp-8]
;;     7d: mov     eax,eax
;;   ;; @6b
;;     7f: leave
;;     80: ret
;;     81: mov     rdi,rsi
;;   ;; @5a
;;     84: call    0000000000000089h
;;     89: mov     r14,[rbp-8]
;;     8d: mov     eax,eax
;;   ;; @5c
;;     8f: leave
;;     90: ret
;;   ;; @60
;;     91: mov     rax,[r14+18h]
;;     95: mov     rcx,[r14+20h]
;;     99: mov     rdi,rsi
;;     9c: mov     r14,rcx
;;     9f: call    rax
;;     a1: mov     r14,[rbp-8]
;;     a5: mov     eax,eax
;;   ;; @62
;;     a7: leave
;;     a8: ret
;;     a9: int3
;;     aa: int3
;;     ab: int3
;;     ac: (bad)
;;     ae: (bad)
;;     b0: in      eax,0FFh
;;     b2: (bad)
;;   ;; -
;;     b4: call    00000000000000B9h
;;   ;; @68
;;     b9: call    00000000000000BEh
;;     be: call    00000000000000C3h
;;     c3: call    00000000000000C8h

;;! stage = disasm
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
;; function 0:
;;   ;; -
;;      0: push    rbp
;;      1: mov     rbp,rsp
;;      4: push    r14
;;      6: mov     r11,[r14+10h]
;;      a: lea     rax,[rsp-8]
;;      f: cmp     rax,[r11]
;;     12: jb      000000000000004Ah
;;     18: sub     rsp,8
;;     1c: mov     edi,edi
;;     1e: mov     esi,esi
;;   ;; @50
;;     20: lea     r11,[rsi+2]
;;     24: cmp     r11,[r14+8]
;;     28: ja      000000000000004Fh
;;     2e: mov     rax,[r14]
;;     31: movzx   ecx,byte ptr [rax+rsi+1]
;;   ;; @53
;;     36: lea     r11,[rdi+8]
;;     3a: cmp     r11,[r14+8]
;;     3e: ja      0000000000000054h
;;     44: mov     [rax+rdi+4],ecx
;;   ;; @56
;;     48: leave
;;     49: ret
;;   ;; -
;;     4a: call    000000000000004Fh
;;   ;; @50
;;     4f: call    0000000000000054h
;;   ;; @53
;;     54: call    0000000000000059h
;;
;; function 1:
;;   ;; -
;;      0: push    rbp
;;      1: mov     rbp,rsp
;;      4: push    r14
;;      6: mov     r11,[r14+10h]
;;      a: lea     rax,[rsp-8]
;;      f: cmp     rax,[r11]
;;     12: jb      000000000000002Dh
;;     18: sub     rsp,8
;;   ;; @59
;;     1c: mov     eax,[r14+30h]
;;   ;; @5d
;;     20: lea     eax,[rax+1]
;;   ;; @5e
;;     23: mov     [r14+30h],eax
;;   ;; @60
;;     27: mov     eax,[r14+30h]
;;   ;; @62
;;     2b: leave
;;     2c: ret
;;   ;; -
;;     2d: call    0000000000000032h
;;
;; function 2:
;;   ;; -
;;      0: push    rbp
;;      1: mov     rbp,rsp
;;      4: push    r14
;;      6: mov     r11,[r14+10h]
;;      a: lea     rax,[rsp-8]
;;      f: cmp     rax,[r11]
;;     12: jb      000000000000003Eh
;;     18: sub     rsp,8
;;     1c: mov     edi,edi
;;     1e: mov     rax,rdi
;;   ;; @67
;;     21: xor     esi,esi
;;     23: mov     rcx,[r14+18h]
;;     27: mov     rcx,[rcx]
;;     2a: mov     rdi,r14
;;     2d: mov     rdx,rax
;;     30: call    rcx
;;   ;; @6a
;;     32: mov     rax,[r14+8]
;;     36: shr     rax,10h
;;     3a: mov     eax,eax
;;   ;; @6c
;;     3c: leave
;;     3d: ret
;;   ;; -
;;     3e: call    0000000000000043h

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
;;     12: jb      000000000000004Ch
;;     18: sub     rsp,8
;;     1c: mov     edi,edi
;;     1e: mov     esi,esi
;;   ;; @50
;;     20: mov     rax,[r14+8]
;;     24: lea     r11,[rsi+2]
;;     28: cmp     r11,rax
;;     2b: ja      0000000000000051h
;;     31: mov     rcx,[r14]
;;     34: movzx   edx,byte ptr [rcx+rsi+1]
;;   ;; @53
;;     39: lea     r11,[rdi+8]
;;     3d: cmp     r11,rax
;;     40: ja      0000000000000056h
;;     46: mov     [rcx+rdi+4],edx
;;   ;; @56
;;     4a: leave
;;     4b: ret
;;   ;; -
;;     4c: call    0000000000000051h
;;   ;; @50
;;     51: call    0000000000000056h
;;   ;; @53
;;     56: call    000000000000005Bh
;;
;; function 1:
;;   ;; -
;;      0: push    rbp
;;      1: mov     rbp,rsp
;;      4: push    r14
;;      6: mov     r11,[r14+10h]
;;      a: lea     rax,[rsp-8]
;;      f: cmp     rax,[r11]
;;     12: jb      0000000000000029h
;;     18: sub     rsp,8
;;   ;; @59
;;     1c: mov     eax,[r14+30h]
;;   ;; @5d
;;     20: lea     eax,[rax+1]
;;   ;; @5e
;;     23: mov     [r14+30h],eax
;;   ;; @62
;;     27: leave
;;     28: ret
;;   ;; -
;;     29: call    000000000000002Eh
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

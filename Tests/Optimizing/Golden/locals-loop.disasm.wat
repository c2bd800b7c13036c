;;! stage = disasm
;; A counting loop: the loop header gets block parameters for the locals it changes.
(module
  (func (export "sum") (param $n i32) (result i32)
    (local $i i32) (local $acc i32)
    (block $done
      (loop $top
        (br_if $done (i32.ge_s (local.get $i) (local.get $n)))
        (local.set $acc (i32.add (local.get $acc) (local.get $i)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $top)))
    (local.get $acc)))

;; ---- expected output (regenerate with HOIST_BLESS=1) ----
;; function 0:
;;   ;; -
;;      0: push    rbp
;;      1: mov     rbp,rsp
;;      4: push    r14
;;      6: mov     r11,[r14]
;;      9: lea     rax,[rsp-8]
;;      e: cmp     rax,[r11]
;;     11: jb      0000000000000052h
;;     17: sub     rsp,8
;;     1b: mov     edi,edi
;;     1d: xor     eax,eax
;;     1f: mov     rcx,rax
;;   ;; @29
;;     22: jmp     short 0000000000000040h
;;     24: nop     [rax+rax]
;;     2d: nop     [rax+rax]
;;     36: nop     [rax+rax]
;;     3f: nop
;;   ;; @30
;;     40: cmp     ecx,edi
;;     42: jge     0000000000000050h
;;   ;; @36
;;     48: lea     eax,[rax+rcx]
;;   ;; @3d
;;     4b: lea     ecx,[rcx+1]
;;   ;; @40
;;     4e: jmp     short 0000000000000040h
;;   ;; @46
;;     50: leave
;;     51: ret
;;   ;; -
;;     52: call    0000000000000057h

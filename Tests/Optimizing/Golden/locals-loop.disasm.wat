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
;;     11: jb      0000000000000034h
;;     17: sub     rsp,8
;;     1b: mov     edi,edi
;;     1d: xor     eax,eax
;;     1f: mov     rcx,rax
;;   ;; @30
;;     22: cmp     ecx,edi
;;     24: jge     0000000000000032h
;;   ;; @36
;;     2a: lea     eax,[rax+rcx]
;;   ;; @3d
;;     2d: lea     ecx,[rcx+1]
;;   ;; @40
;;     30: jmp     short 0000000000000022h
;;   ;; @46
;;     32: leave
;;     33: ret
;;   ;; -
;;     34: call    0000000000000039h

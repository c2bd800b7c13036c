/* vm: a branchy interpreter loop. A small stack-based bytecode VM (switch dispatch, an
 * operand stack and locals in memory, calls with frames) runs three programs written in
 * its bytecode: Collatz sequence lengths, a trial-division prime count, and a recursive
 * Fibonacci. Standard size: Collatz over 1..400 000, primes below 60 000, fib(25). */
#include <string.h>
#include "bench.h"

enum {
    OP_HALT, OP_PUSH, OP_POP, OP_DUP, OP_SWAP, OP_OVER,
    OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_MOD, OP_AND, OP_SHR,
    OP_LT, OP_EQ, OP_NOT,
    OP_JMP, OP_JZ, OP_JNZ,
    OP_LOAD, OP_STORE, OP_INC,
    OP_CALL, OP_RET, OP_ARG,
};

typedef int64_t word;

/* Runs code from pc 0. Locals are per frame (8 slots); OP_ARG pushes the frame's argument. */
static word run(const int32_t *code) {
    /* static: far larger than wasm32-wasi's default 64 KiB shadow stack */
    static word stack[1024], locals[4096 * 8], args[4096];
    static int32_t rets[4096];
    int sp = 0, fp = 0, pc = 0;
    for (;;) {
        int32_t op = code[pc++];
        switch (op) {
        case OP_HALT: return stack[sp - 1];
        case OP_PUSH: stack[sp++] = code[pc++]; break;
        case OP_POP: sp--; break;
        case OP_DUP: stack[sp] = stack[sp - 1]; sp++; break;
        case OP_SWAP: { word t = stack[sp - 1]; stack[sp - 1] = stack[sp - 2]; stack[sp - 2] = t; break; }
        case OP_OVER: stack[sp] = stack[sp - 2]; sp++; break;
        case OP_ADD: sp--; stack[sp - 1] += stack[sp]; break;
        case OP_SUB: sp--; stack[sp - 1] -= stack[sp]; break;
        case OP_MUL: sp--; stack[sp - 1] *= stack[sp]; break;
        case OP_DIV: sp--; stack[sp - 1] /= stack[sp]; break;
        case OP_MOD: sp--; stack[sp - 1] %= stack[sp]; break;
        case OP_AND: sp--; stack[sp - 1] &= stack[sp]; break;
        case OP_SHR: sp--; stack[sp - 1] >>= stack[sp]; break;
        case OP_LT: sp--; stack[sp - 1] = stack[sp - 1] < stack[sp]; break;
        case OP_EQ: sp--; stack[sp - 1] = stack[sp - 1] == stack[sp]; break;
        case OP_NOT: stack[sp - 1] = !stack[sp - 1]; break;
        case OP_JMP: pc = code[pc]; break;
        case OP_JZ: pc = stack[--sp] ? pc + 1 : code[pc]; break;
        case OP_JNZ: pc = stack[--sp] ? code[pc] : pc + 1; break;
        case OP_LOAD: stack[sp++] = locals[fp * 8 + code[pc++]]; break;
        case OP_STORE: locals[fp * 8 + code[pc++]] = stack[--sp]; break;
        case OP_INC: locals[fp * 8 + code[pc]]++; pc++; break;
        case OP_CALL: rets[fp] = pc + 1; fp++; args[fp] = stack[--sp]; pc = code[pc]; break;
        case OP_ARG: stack[sp++] = args[fp]; break;
        case OP_RET: fp--; pc = rets[fp]; break;
        default: fprintf(stderr, "bad opcode %d at %d\n", op, pc - 1); exit(1);
        }
    }
}

/* A tiny assembler with labels resolved in a second pass. */
static int32_t code[1024];
static int ncode, labels[64], fix_at[256], fix_label[256], nfix;
static void emit(int32_t v) { code[ncode++] = v; }
static void emit_jump(int32_t op, int label) { emit(op); fix_at[nfix] = ncode; fix_label[nfix++] = label; emit(0); }
static void label(int l) { labels[l] = ncode; }
static void link(void) { for (int i = 0; i < nfix; i++) code[fix_at[i]] = labels[fix_label[i]]; }
static void reset(void) { ncode = nfix = 0; }

/* sum over n in 1..N of the Collatz length of n; locals: 0 = n, 1 = x, 2 = total */
static void asm_collatz(int32_t N) {
    reset();
    emit(OP_PUSH); emit(1); emit(OP_STORE); emit(0);
    emit(OP_PUSH); emit(0); emit(OP_STORE); emit(2);
    label(0); /* outer: while n <= N */
    emit(OP_LOAD); emit(0); emit(OP_PUSH); emit(N + 1); emit(OP_LT); emit_jump(OP_JZ, 9);
    emit(OP_LOAD); emit(0); emit(OP_STORE); emit(1);
    label(1); /* inner: while x != 1 */
    emit(OP_LOAD); emit(1); emit(OP_PUSH); emit(1); emit(OP_EQ); emit_jump(OP_JNZ, 3);
    emit(OP_INC); emit(2);
    emit(OP_LOAD); emit(1); emit(OP_PUSH); emit(1); emit(OP_AND); emit_jump(OP_JZ, 2);
    emit(OP_LOAD); emit(1); emit(OP_PUSH); emit(3); emit(OP_MUL); emit(OP_PUSH); emit(1); emit(OP_ADD);
    emit(OP_STORE); emit(1); emit_jump(OP_JMP, 1);
    label(2); /* even */
    emit(OP_LOAD); emit(1); emit(OP_PUSH); emit(1); emit(OP_SHR); emit(OP_STORE); emit(1); emit_jump(OP_JMP, 1);
    label(3);
    emit(OP_INC); emit(0); emit_jump(OP_JMP, 0);
    label(9);
    emit(OP_LOAD); emit(2); emit(OP_HALT);
    link();
}

/* number of primes below N by trial division; locals: 0 = n, 1 = d, 2 = count */
static void asm_primes(int32_t N) {
    reset();
    emit(OP_PUSH); emit(2); emit(OP_STORE); emit(0);
    emit(OP_PUSH); emit(0); emit(OP_STORE); emit(2);
    label(0);
    emit(OP_LOAD); emit(0); emit(OP_PUSH); emit(N); emit(OP_LT); emit_jump(OP_JZ, 9);
    emit(OP_PUSH); emit(2); emit(OP_STORE); emit(1);
    label(1); /* while d*d <= n */
    emit(OP_LOAD); emit(0); emit(OP_LOAD); emit(1); emit(OP_DUP); emit(OP_MUL); emit(OP_LT); emit_jump(OP_JNZ, 2);
    emit(OP_LOAD); emit(0); emit(OP_LOAD); emit(1); emit(OP_MOD); emit_jump(OP_JZ, 3);
    emit(OP_INC); emit(1); emit_jump(OP_JMP, 1);
    label(2); /* prime */
    emit(OP_INC); emit(2);
    label(3); /* next n */
    emit(OP_INC); emit(0); emit_jump(OP_JMP, 0);
    label(9);
    emit(OP_LOAD); emit(2); emit(OP_HALT);
    link();
}

/* fib(N) by recursive calls through OP_CALL/OP_RET */
static void asm_fib(int32_t N) {
    reset();
    emit(OP_PUSH); emit(N); emit_jump(OP_CALL, 1); emit(OP_HALT);
    label(1); /* fib: arg < 2 ? arg : fib(arg-1) + fib(arg-2) */
    emit(OP_ARG); emit(OP_PUSH); emit(2); emit(OP_LT); emit_jump(OP_JZ, 2);
    emit(OP_ARG); emit(OP_RET);
    label(2);
    emit(OP_ARG); emit(OP_PUSH); emit(1); emit(OP_SUB); emit_jump(OP_CALL, 1);
    emit(OP_ARG); emit(OP_PUSH); emit(2); emit(OP_SUB); emit_jump(OP_CALL, 1);
    emit(OP_ADD); emit(OP_RET);
    link();
}

int main(int argc, char **argv) {
    int scale = bench_scale(argc, argv);
    uint64_t h = 0;
    int32_t nc = (int32_t)scaled(400000, scale), np = (int32_t)scaled(60000, scale);
    int32_t nf = scale >= 100 ? 25 : 15;
    asm_collatz(nc);
    word c = run(code);
    printf("collatz steps for 1..%d: %lld\n", nc, (long long)c);
    asm_primes(np);
    word p = run(code);
    printf("primes below %d: %lld\n", np, (long long)p);
    asm_fib(nf);
    word f = run(code);
    printf("fib(%d): %lld\n", nf, (long long)f);
    h = mix(mix(mix(h, (uint64_t)c), (uint64_t)p), (uint64_t)f);
    print_checksum(h);
    return 0;
}

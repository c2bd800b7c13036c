namespace Hoist.Bench.Execution;

/// <summary>
/// The hot loops measured per tier (<see cref="HotLoopBench"/>): small kernels in the text format, each
/// dominated by one kind of work, each taking its iteration count as a parameter so the benchmark can report
/// time per iteration. Results are returned so no compiler can drop the work.
/// </summary>
public static class Kernels
{
    public const string Wat = """
        (module
          (memory 1)
          (table 4 funcref)
          (elem (i32.const 0) $k0 $k1 $k2 $k3)
          (type $unary (func (param i32) (result i32)))

          ;; integer ALU: acc = ((acc * 31 + i) ^ (acc >> 7)) for i in [0, n)
          (func (export "int_loop") (param $n i32) (result i32)
            (local $i i32) (local $acc i32)
            (loop $top
              (local.set $acc
                (i32.xor (i32.add (i32.mul (local.get $acc) (i32.const 31)) (local.get $i))
                         (i32.shr_u (local.get $acc) (i32.const 7))))
              (br_if $top (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
            (local.get $acc))

          ;; linear memory: a load, an add and a store per iteration over a 64 KiB buffer (bounds-checked accesses)
          (func (export "mem_loop") (param $n i32) (result i32)
            (local $i i32) (local $addr i32) (local $v i32) (local $acc i32)
            (loop $top
              (local.set $addr (i32.and (i32.shl (local.get $i) (i32.const 2)) (i32.const 0xFFFC)))
              (local.set $v (i32.load (local.get $addr)))
              (i32.store (local.get $addr) (i32.add (local.get $v) (local.get $i)))
              (local.set $acc (i32.add (local.get $acc) (local.get $v)))
              (br_if $top (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
            (local.get $acc))

          ;; f64: s += (x*x*0.5 + x*1.5 + 2) / (x + 1) with x = f64(i)
          (func (export "f64_loop") (param $n i32) (result f64)
            (local $i i32) (local $x f64) (local $s f64)
            (loop $top
              (local.set $x (f64.convert_i32_u (local.get $i)))
              (local.set $s
                (f64.add (local.get $s)
                  (f64.div
                    (f64.add (f64.add (f64.mul (f64.mul (local.get $x) (local.get $x)) (f64.const 0.5))
                                      (f64.mul (local.get $x) (f64.const 1.5)))
                             (f64.const 2))
                    (f64.add (local.get $x) (f64.const 1)))))
              (br_if $top (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
            (local.get $s))

          ;; direct calls: naive recursive Fibonacci (fib(n) makes fib_calls(n) calls)
          (func $fib (export "fib") (param $n i32) (result i32)
            (if (result i32) (i32.lt_u (local.get $n) (i32.const 2))
              (then (local.get $n))
              (else (i32.add (call $fib (i32.sub (local.get $n) (i32.const 1)))
                             (call $fib (i32.sub (local.get $n) (i32.const 2)))))))

          ;; indirect calls: one call_indirect per iteration through a 4-entry table
          (func $k0 (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
          (func $k1 (param i32) (result i32) (i32.xor (local.get 0) (i32.const 0x55)))
          (func $k2 (param i32) (result i32) (i32.mul (local.get 0) (i32.const 3)))
          (func $k3 (param i32) (result i32) (i32.sub (local.get 0) (i32.const 7)))
          (func (export "indirect_loop") (param $n i32) (result i32)
            (local $i i32) (local $acc i32)
            (loop $top
              (local.set $acc (call_indirect (type $unary) (local.get $acc) (i32.and (local.get $i) (i32.const 3))))
              (br_if $top (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
            (local.get $acc))
        )
        """;

    /// <summary>How many calls fib(n) makes (itself included): 2·fib(n+1) − 1.</summary>
    public static int FibCalls(int n)
    {
        long a = 0, b = 1;
        for (int i = 0; i < n + 1; i++) (a, b) = (b, a + b);
        return (int)(2 * a - 1);
    }
}

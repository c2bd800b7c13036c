using Hoist.Compiler;
using Hoist.Isa.X64;
using Hoist.Vm;
using Hoist.Wasm;

namespace Hoist.Baseline;

// The frame: locals, the prologue (with the stack check), the epilogue, and the frame size patched in at
// the end. Layout, rbp-relative (see FunctionCompiler's remarks):
//   [rbp+16+k]  stack arguments (parameters the ABI passes on the stack are read there directly)
//   [rbp-8]     saved r14 (the function's own VMContext)
//   [rbp-16-8i] frame local i (register parameters, then declared locals)
//   _scratchSlot, then the canonical value-stack slots (SlotOffset), then padding,
//   [rsp+k]     the outgoing area (stack arguments and return areas of calls).
internal sealed partial class FunctionCompiler
{
    int[] _localOffset = new int[16];
    ValKind[] _localKind = new ValKind[16];
    int[] _localRefs = new int[16];
    int _localCount;
    int _frameLocals;
    int _scratchSlot;
    int _slotBase;
    int _outgoing;
    int _patchStackCheck;
    int _patchFrameAlloc;

    void ResetState()
    {
        ResetStackState();
        ResetControlState();
        ResetDeferred();
        _outgoing = 0;
    }

    /// <summary>Assigns each local its home: its stack-argument slot for a parameter the ABI passes on the stack, else a frame slot.</summary>
    void SetUpLocals(ReadOnlySpan<ValType> locals)
    {
        int n = locals.Length;
        if (_localOffset.Length < n)
        {
            int size = Math.Max(n, _localOffset.Length * 2);
            _localOffset = new int[size];
            _localKind = new ValKind[size];
            _localRefs = new int[size];
        }
        int frameIndex = 0;
        int paramCount = _type.Params.Length;
        for (int i = 0; i < n; i++)
        {
            _localKind[i] = KindOf(locals[i], "a v128 local");
            _localRefs[i] = 0;
            if (i < paramCount && _sig.Params[i].Kind == AbiLocationKind.Stack)
                _localOffset[i] = 16 + _sig.Params[i].Offset;
            else
                _localOffset[i] = -16 - 8 * frameIndex++;
        }
        foreach (ValType r in _type.Results) KindOf(r, "a v128 result");
        _localCount = n;
        _frameLocals = frameIndex;
        _scratchSlot = -16 - 8 * frameIndex;
        _slotBase = _scratchSlot;
    }

    /// <summary>The value-stack kind of a value type (every reference type is a 64-bit Ref).</summary>
    ValKind KindOf(ValType t, string what = "a v128 value") => t.Kind switch
    {
        ValKind.I32 or ValKind.I64 or ValKind.F32 or ValKind.F64 => t.Kind,
        ValKind.Ref => ValKind.Ref,
        _ => throw new UnsupportedFeatureException(CompilerName, what, Feature.Simd, SourceLocation.AtOffset(_bodyOffset)),
    };

    /// <summary>Makes room for a call's stack arguments and return area at the bottom of the frame.</summary>
    void ReserveOutgoing(int bytes)
    {
        if (bytes > _outgoing) _outgoing = bytes;
    }

    void EmitPrologue()
    {
        _masm.Push(Gpr.Rbp);
        _masm.Mov(Width.W64, Gpr.Rbp, Gpr.Rsp);
        _masm.Push(Gpr.R14);

        // Stack check: rsp - frame below the limit traps. The frame size is not known yet: both
        // immediates are emitted as 32-bit fields (placeholders that cannot take a short form) and patched.
        VmOffsets o = _env.Offsets;
        _masm.Mov(Width.W64, Scratch, Mem.At(Gpr.R14, o.StoreContext));
        _masm.Lea(Width.W64, Gpr.Rax, Mem.At(Gpr.Rsp, -0x10000000));
        _patchStackCheck = _masm.Offset - 4;
        _masm.Cmp(Width.W64, Gpr.Rax, Mem.At(Scratch, VmStoreContext.StackLimit));
        _masm.TrapIf(Cond.Below, TrapCode.StackOverflow);
        _masm.Sub(Width.W64, Gpr.Rsp, 0x10000000);
        _patchFrameAlloc = _masm.Offset - 4;

        // Register parameters go to their frame slots.
        for (int i = 0; i < _type.Params.Length; i++)
        {
            AbiLocation loc = _sig.Params[i];
            Mem home = Rbp(_localOffset[i]);
            if (loc.Kind == AbiLocationKind.Gpr) _masm.Mov(Width.W64, home, loc.Gpr);
            else if (loc.Kind == AbiLocationKind.Xmm) _masm.Movsd(home, loc.Xmm);
        }

        // Declared locals start at zero: they are the last frame locals, contiguous downwards.
        int declared = _localCount - _type.Params.Length;
        if (declared > 0)
        {
            int lowest = -16 - 8 * (_frameLocals - 1);
            _masm.Xor(Width.W32, Gpr.Rax, Gpr.Rax);
            if (declared <= 8)
            {
                for (int k = 0; k < declared; k++) _masm.Mov(Width.W64, Rbp(lowest + 8 * k), Gpr.Rax);
            }
            else
            {
                _masm.Lea(Width.W64, Gpr.Rdi, Rbp(lowest));
                _masm.MovImm(Width.W32, Gpr.Rcx, declared);
                _masm.RepStosq();
            }
        }
        EmitInterruptCheck();
    }

    /// <summary>Moves the top entries (the function's results) to their ABI locations and returns.</summary>
    void EmitReturn()
    {
        int count = _type.Results.Length;
        int first = _sp - count;
        // Results in the return area: their offsets count from the stack-argument base, [rbp + 16].
        for (int k = 0; k < count; k++)
        {
            AbiLocation loc = _sig.Results[k];
            if (loc.Kind == AbiLocationKind.Stack) StoreTo(Rbp(16 + loc.Offset), _stack[first + k]);
        }
        for (int k = 0; k < count; k++)
        {
            AbiLocation loc = _sig.Results[k];
            if (loc.Kind == AbiLocationKind.Gpr) LoadInto(loc.Gpr, _stack[first + k]);
            else if (loc.Kind == AbiLocationKind.Xmm) LoadInto(loc.Xmm, _stack[first + k]);
        }
        _masm.Leave();
        _masm.Ret(_sig.StackArgsSize);
    }

    /// <summary>The size of the frame below rbp (saved r14 included), a multiple of 16.</summary>
    int FrameSize => (8 + 8 * _frameLocals + 8 + 8 * _maxHeight + _outgoing + 15) & ~15;

    void PatchFrameSize()
    {
        // After push rbp (aligned) and push r14, subtracting FrameSize - 8 leaves rsp 16-aligned.
        int alloc = FrameSize - 8;
        _masm.Buffer.PatchInt32(_patchStackCheck, -alloc);
        _masm.Buffer.PatchInt32(_patchFrameAlloc, alloc);
    }
}

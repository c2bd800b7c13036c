using Hoist.Optimizing.Ir;
using Hoist.Vm;
using Hoist.Wasm;
using Hoist.Wasm.Binary;

namespace Hoist.Optimizing.Translate;

// Structured control flow. Each wasm frame records where its label goes: a loop's header block (with the
// loop's parameters as block parameters), or the continuation block `Dest` (with the frame's results as
// block parameters), created only when something branches there; for the function frame Dest is the exit
// block that returns its parameters (`br` and `return` emit `return` directly). Blocks are sealed when all
// their predecessors exist: then/else at once, Dest and loop headers at the frame's end.
public sealed partial class FunctionTranslator
{
    enum Kind : byte { Block, Loop, If, Function }

    struct Frame
    {
        public Kind Kind;
        /// <summary>Opened in unreachable code: nothing is emitted until its end.</summary>
        public bool Dead;
        public bool ElseSeen;
        /// <summary>The value stack height below the frame's parameters.</summary>
        public int Height;
        /// <summary>Parameter then result IR types in <see cref="_types"/>.</summary>
        public int TypeStart;
        public int ParamCount, ResultCount;
        public Block Dest;
        public Block Header;
        /// <summary>If: the brif whose second target is the else arm, and the else block.</summary>
        public Inst Branch;
        public Block Else;
        /// <summary>If: where its parameter values are saved in <see cref="_saved"/> (the else arm starts from them).</summary>
        public int SavedStart;
    }

    Frame[] _frames = new Frame[16];
    int _frameCount;
    IrType[] _types = new IrType[32];
    int _typeTop;
    Value[] _saved = new Value[16];
    int _savedTop;

    ReadOnlySpan<IrType> ResultTypes(in Frame fr) => _types.AsSpan(fr.TypeStart + fr.ParamCount, fr.ResultCount);
    ReadOnlySpan<IrType> ParamTypes(in Frame fr) => _types.AsSpan(fr.TypeStart, fr.ParamCount);

    ref Frame PushFrame(Kind kind, bool dead, int paramCount)
    {
        if (_frameCount == _frames.Length) Array.Resize(ref _frames, _frameCount * 2);
        ref Frame fr = ref _frames[_frameCount++];
        fr = new Frame
        {
            Kind = kind, Dead = dead, Height = _sp - paramCount, TypeStart = _typeTop,
            Dest = Block.None, Header = Block.None, Else = Block.None, Branch = Inst.None,
        };
        return ref fr;
    }

    void RecordTypes(ref Frame fr, ReadOnlySpan<ValType> ps, ReadOnlySpan<ValType> rs, long offset)
    {
        while (_typeTop + ps.Length + rs.Length > _types.Length) Array.Resize(ref _types, _types.Length * 2);
        foreach (var t in ps) _types[_typeTop++] = ModuleEnvironment.IrTypeOf(t, offset);
        foreach (var t in rs) _types[_typeTop++] = ModuleEnvironment.IrTypeOf(t, offset);
        fr.ParamCount = ps.Length;
        fr.ResultCount = rs.Length;
    }

    void PushFunctionFrame(Signature sig)
    {
        ref Frame fr = ref PushFrame(Kind.Function, dead: false, 0);
        while (sig.Results.Length > _types.Length) Array.Resize(ref _types, _types.Length * 2);
        sig.Results.CopyTo(_types.AsSpan());
        _typeTop = sig.Results.Length;
        fr.ResultCount = sig.Results.Length;
    }

    /// <summary>Starts a block that is new in the layout: places it after the current last block and fills it from now on.</summary>
    void StartBlock(Block b)
    {
        _f.AppendBlock(b);
        _b.SwitchToBlock(b);
    }

    /// <summary>A branch instruction's target <paramref name="t"/> goes to <paramref name="b"/>: tell the SSA builder.</summary>
    void Edge(Block b, Inst branch, int t) => _ssa.DeclarePredecessor(b, branch, t);

    ref Frame Label(uint depth) => ref _frames[_frameCount - 1 - (int)depth];

    /// <summary>The frame's continuation block, created with its result parameters on first use.</summary>
    Block EnsureDest(ref Frame fr)
    {
        if (fr.Dest.IsValid) return fr.Dest;
        fr.Dest = _f.CreateBlock();
        foreach (var t in ResultTypes(fr)) _f.AppendBlockParam(fr.Dest, t);
        return fr.Dest;
    }

    /// <summary>Where a branch to the frame's label goes and how many values it carries.</summary>
    (Block Target, int Arity) LabelTarget(ref Frame fr) =>
        fr.Kind == Kind.Loop ? (fr.Header, fr.ParamCount) : (EnsureDest(ref fr), fr.ResultCount);

    void JumpTo(Block target, ReadOnlySpan<Value> args) => Edge(target, _b.Jump(target, args), 0);

    // ---- Block, loop, if, else, end.

    void TranslateUnreachable(in Operator op)
    {
        switch (op.Opcode)
        {
            case Opcode.Block:
            case Opcode.Loop:
            case Opcode.If:
            case Opcode.Try:
            case Opcode.TryTable:
                PushFrame(Kind.Block, dead: true, 0);
                break;
            case Opcode.Else:
                Else();
                break;
            case Opcode.End:
                End();
                break;
            case Opcode.Delegate:
                _frameCount--;
                break;
        }
    }

    void EnterBlock()
    {
        ref Frame fr = ref PushFrame(Kind.Block, dead: false, _validator.FrameParams(0).Length);
        RecordTypes(ref fr, _validator.FrameParams(0), _validator.FrameResults(0), _b.SourceOffset);
    }

    void EnterLoop()
    {
        ref Frame fr = ref PushFrame(Kind.Loop, dead: false, _validator.FrameParams(0).Length);
        RecordTypes(ref fr, _validator.FrameParams(0), _validator.FrameResults(0), _b.SourceOffset);
        var header = _f.CreateBlock();
        foreach (var t in ParamTypes(fr)) _f.AppendBlockParam(header, t);
        fr.Header = header;
        JumpTo(header, Top(fr.ParamCount));
        _sp = fr.Height;
        foreach (var p in _f.BlockParams(header)) Push(p);
        StartBlock(header);
    }

    void EnterIf()
    {
        var cond = Pop();
        ref Frame fr = ref PushFrame(Kind.If, dead: false, _validator.FrameParams(0).Length);
        RecordTypes(ref fr, _validator.FrameParams(0), _validator.FrameResults(0), _b.SourceOffset);
        var then = _f.CreateBlock();
        fr.Else = _f.CreateBlock();
        // The second target is settled at `else` (the else block) or at `end` (the continuation, when there is no else).
        fr.Branch = _b.Brif(cond, then, default, fr.Else, default);
        Edge(then, fr.Branch, 0);
        _ssa.SealBlock(then);
        fr.SavedStart = _savedTop;
        while (_savedTop + fr.ParamCount > _saved.Length) Array.Resize(ref _saved, _saved.Length * 2);
        Top(fr.ParamCount).CopyTo(_saved.AsSpan(_savedTop));
        _savedTop += fr.ParamCount;
        StartBlock(then);
    }

    void Else()
    {
        ref Frame fr = ref _frames[_frameCount - 1];
        if (fr.Dead) return;
        if (_reachable) JumpTo(EnsureDest(ref fr), Top(fr.ResultCount));
        fr.ElseSeen = true;
        Edge(fr.Else, fr.Branch, 1);
        _ssa.SealBlock(fr.Else);
        _sp = fr.Height;
        for (int i = 0; i < fr.ParamCount; i++) Push(_saved[fr.SavedStart + i]);
        StartBlock(fr.Else);
        _reachable = true;
    }

    void End()
    {
        ref Frame fr = ref _frames[_frameCount - 1];
        if (fr.Dead)
        {
            _frameCount--;
            return;
        }
        switch (fr.Kind)
        {
            case Kind.Block:
                if (fr.Dest.IsValid) FallIntoDest(ref fr);
                else if (!_reachable) _sp = fr.Height;
                break;
            case Kind.Loop:
                _ssa.SealBlock(fr.Header);
                if (!_reachable) _sp = fr.Height;
                break;
            case Kind.If:
                if (!fr.ElseSeen)
                {
                    // No else: the condition's false edge passes the parameters straight to the continuation.
                    if (_reachable) JumpTo(EnsureDest(ref fr), Top(fr.ResultCount));
                    var dest = EnsureDest(ref fr);
                    _f.SetTarget(fr.Branch, 1, dest, _saved.AsSpan(fr.SavedStart, fr.ParamCount));
                    Edge(dest, fr.Branch, 1);
                    _reachable = false;
                }
                else if (_reachable) EnsureDest(ref fr);
                _savedTop = fr.SavedStart;
                if (fr.Dest.IsValid) FallIntoDest(ref fr);
                else _sp = fr.Height;
                break;
            case Kind.Function:
                if (_reachable) _b.Return(Top(fr.ResultCount));
                if (fr.Dest.IsValid)
                {
                    _ssa.SealBlock(fr.Dest);
                    StartBlock(fr.Dest);
                    _b.Return(_f.BlockParams(fr.Dest));
                }
                _reachable = false;
                break;
        }
        _typeTop = fr.TypeStart;
        _frameCount--;
    }

    /// <summary>At a frame's end: the fallthrough (if reachable) jumps to Dest, which continues the code with the results.</summary>
    void FallIntoDest(ref Frame fr)
    {
        if (_reachable) JumpTo(fr.Dest, Top(fr.ResultCount));
        _ssa.SealBlock(fr.Dest);
        _sp = fr.Height;
        if (_ssa.PredecessorCount(fr.Dest) == 0)
        {
            _reachable = false;
            return;
        }
        foreach (var p in _f.BlockParams(fr.Dest)) Push(p);
        StartBlock(fr.Dest);
        _reachable = true;
    }

    // ---- Branches.

    void Br(uint depth)
    {
        ref Frame fr = ref Label(depth);
        if (fr.Kind == Kind.Function) _b.Return(Top(fr.ResultCount));
        else
        {
            var (target, arity) = LabelTarget(ref fr);
            JumpTo(target, Top(arity));
        }
        SetUnreachable();
    }

    void BrIf(uint depth)
    {
        var cond = Pop();
        ref Frame fr = ref Label(depth);
        var (target, arity) = LabelTarget(ref fr);
        var cont = _f.CreateBlock();
        var br = _b.Brif(cond, target, Top(arity), cont, default);
        Edge(target, br, 0);
        Edge(cont, br, 1);
        _ssa.SealBlock(cont);
        StartBlock(cont);
    }

    void BrTable(in Operator op)
    {
        var index = Pop();
        var targets = op.Targets;
        var br = _b.BrTable(index, targets.Length + 1);
        int arity = 0;
        for (int t = 0; t <= targets.Length; t++)
        {
            ref Frame fr = ref Label(t == 0 ? op.Index : targets[t - 1]);
            (Block target, arity) = LabelTarget(ref fr);
            _f.SetTarget(br, t, target, Top(arity));
            Edge(target, br, t);
        }
        SetUnreachable();
    }

    void Return()
    {
        _b.Return(Top(_frames[0].ResultCount));
        SetUnreachable();
    }

    /// <summary>br_on_null: a null goes to the label (without the reference); otherwise the reference stays.</summary>
    void BrOnNull(uint depth)
    {
        var r = Pop();
        ref Frame fr = ref Label(depth);
        var (target, arity) = LabelTarget(ref fr);
        var cont = _f.CreateBlock();
        var br = _b.Brif(r, cont, default, target, Top(arity));
        Edge(cont, br, 0);
        Edge(target, br, 1);
        _ssa.SealBlock(cont);
        StartBlock(cont);
        Push(r);
    }

    /// <summary>br_on_non_null: a non-null reference goes to the label with it; a null is dropped.</summary>
    void BrOnNonNull(uint depth)
    {
        ref Frame fr = ref Label(depth);
        var (target, arity) = LabelTarget(ref fr);
        var r = Peek();
        var cont = _f.CreateBlock();
        var br = _b.Brif(r, target, Top(arity), cont, default);
        Edge(target, br, 0);
        Edge(cont, br, 1);
        _sp--;
        _ssa.SealBlock(cont);
        StartBlock(cont);
    }
}

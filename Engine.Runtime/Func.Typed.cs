using Hoist.Runtime.Values;

namespace Hoist.Runtime;

// Typed calls of a function: delegates that pass .NET values straight into value slots (no boxing, no
// Value[]). The .NET types are checked against the function's type once, when the delegate is made; see
// TypedSlots for the supported types. One overload per arity (0..6 parameters), all of the same shape.
public sealed unsafe partial class Func
{
    /// <summary>This function as a <c>Func&lt;TResult&gt;</c>.</summary>
    public Func<TResult> Typed<TResult>()
    {
        CheckArity(0, 1);
        CheckType<TResult>(Type.Results[0], "result");
        return () =>
        {
            Span<ValueSlot> s = stackalloc ValueSlot[1];
            Call(s);
            return TypedSlots.Read<TResult>(Store, s[0]);
        };
    }

    /// <summary>This function as a <c>Action</c>.</summary>
    public Action TypedAction()
    {
        CheckArity(0, 0);
        return () =>
        {
            Span<ValueSlot> s = default;
            Call(s);
        };
    }

    /// <summary>This function as a <c>Func&lt;T1, TResult&gt;</c>.</summary>
    public Func<T1, TResult> Typed<T1, TResult>()
    {
        CheckArity(1, 1);
        CheckType<T1>(Type.Params[0], "parameter 0");
        CheckType<TResult>(Type.Results[0], "result");
        return (a1) =>
        {
            Span<ValueSlot> s = stackalloc ValueSlot[1];
            TypedSlots.Write(Store, ref s[0], a1, Type.Params[0]);
            Call(s);
            return TypedSlots.Read<TResult>(Store, s[0]);
        };
    }

    /// <summary>This function as a <c>Action&lt;T1&gt;</c>.</summary>
    public Action<T1> TypedAction<T1>()
    {
        CheckArity(1, 0);
        CheckType<T1>(Type.Params[0], "parameter 0");
        return (a1) =>
        {
            Span<ValueSlot> s = stackalloc ValueSlot[1];
            TypedSlots.Write(Store, ref s[0], a1, Type.Params[0]);
            Call(s);
        };
    }

    /// <summary>This function as a <c>Func&lt;T1, T2, TResult&gt;</c>.</summary>
    public Func<T1, T2, TResult> Typed<T1, T2, TResult>()
    {
        CheckArity(2, 1);
        CheckType<T1>(Type.Params[0], "parameter 0");
        CheckType<T2>(Type.Params[1], "parameter 1");
        CheckType<TResult>(Type.Results[0], "result");
        return (a1, a2) =>
        {
            Span<ValueSlot> s = stackalloc ValueSlot[2];
            TypedSlots.Write(Store, ref s[0], a1, Type.Params[0]);
            TypedSlots.Write(Store, ref s[1], a2, Type.Params[1]);
            Call(s);
            return TypedSlots.Read<TResult>(Store, s[0]);
        };
    }

    /// <summary>This function as a <c>Action&lt;T1, T2&gt;</c>.</summary>
    public Action<T1, T2> TypedAction<T1, T2>()
    {
        CheckArity(2, 0);
        CheckType<T1>(Type.Params[0], "parameter 0");
        CheckType<T2>(Type.Params[1], "parameter 1");
        return (a1, a2) =>
        {
            Span<ValueSlot> s = stackalloc ValueSlot[2];
            TypedSlots.Write(Store, ref s[0], a1, Type.Params[0]);
            TypedSlots.Write(Store, ref s[1], a2, Type.Params[1]);
            Call(s);
        };
    }

    /// <summary>This function as a <c>Func&lt;T1, T2, T3, TResult&gt;</c>.</summary>
    public Func<T1, T2, T3, TResult> Typed<T1, T2, T3, TResult>()
    {
        CheckArity(3, 1);
        CheckType<T1>(Type.Params[0], "parameter 0");
        CheckType<T2>(Type.Params[1], "parameter 1");
        CheckType<T3>(Type.Params[2], "parameter 2");
        CheckType<TResult>(Type.Results[0], "result");
        return (a1, a2, a3) =>
        {
            Span<ValueSlot> s = stackalloc ValueSlot[3];
            TypedSlots.Write(Store, ref s[0], a1, Type.Params[0]);
            TypedSlots.Write(Store, ref s[1], a2, Type.Params[1]);
            TypedSlots.Write(Store, ref s[2], a3, Type.Params[2]);
            Call(s);
            return TypedSlots.Read<TResult>(Store, s[0]);
        };
    }

    /// <summary>This function as a <c>Action&lt;T1, T2, T3&gt;</c>.</summary>
    public Action<T1, T2, T3> TypedAction<T1, T2, T3>()
    {
        CheckArity(3, 0);
        CheckType<T1>(Type.Params[0], "parameter 0");
        CheckType<T2>(Type.Params[1], "parameter 1");
        CheckType<T3>(Type.Params[2], "parameter 2");
        return (a1, a2, a3) =>
        {
            Span<ValueSlot> s = stackalloc ValueSlot[3];
            TypedSlots.Write(Store, ref s[0], a1, Type.Params[0]);
            TypedSlots.Write(Store, ref s[1], a2, Type.Params[1]);
            TypedSlots.Write(Store, ref s[2], a3, Type.Params[2]);
            Call(s);
        };
    }

    /// <summary>This function as a <c>Func&lt;T1, T2, T3, T4, TResult&gt;</c>.</summary>
    public Func<T1, T2, T3, T4, TResult> Typed<T1, T2, T3, T4, TResult>()
    {
        CheckArity(4, 1);
        CheckType<T1>(Type.Params[0], "parameter 0");
        CheckType<T2>(Type.Params[1], "parameter 1");
        CheckType<T3>(Type.Params[2], "parameter 2");
        CheckType<T4>(Type.Params[3], "parameter 3");
        CheckType<TResult>(Type.Results[0], "result");
        return (a1, a2, a3, a4) =>
        {
            Span<ValueSlot> s = stackalloc ValueSlot[4];
            TypedSlots.Write(Store, ref s[0], a1, Type.Params[0]);
            TypedSlots.Write(Store, ref s[1], a2, Type.Params[1]);
            TypedSlots.Write(Store, ref s[2], a3, Type.Params[2]);
            TypedSlots.Write(Store, ref s[3], a4, Type.Params[3]);
            Call(s);
            return TypedSlots.Read<TResult>(Store, s[0]);
        };
    }

    /// <summary>This function as a <c>Action&lt;T1, T2, T3, T4&gt;</c>.</summary>
    public Action<T1, T2, T3, T4> TypedAction<T1, T2, T3, T4>()
    {
        CheckArity(4, 0);
        CheckType<T1>(Type.Params[0], "parameter 0");
        CheckType<T2>(Type.Params[1], "parameter 1");
        CheckType<T3>(Type.Params[2], "parameter 2");
        CheckType<T4>(Type.Params[3], "parameter 3");
        return (a1, a2, a3, a4) =>
        {
            Span<ValueSlot> s = stackalloc ValueSlot[4];
            TypedSlots.Write(Store, ref s[0], a1, Type.Params[0]);
            TypedSlots.Write(Store, ref s[1], a2, Type.Params[1]);
            TypedSlots.Write(Store, ref s[2], a3, Type.Params[2]);
            TypedSlots.Write(Store, ref s[3], a4, Type.Params[3]);
            Call(s);
        };
    }

    /// <summary>This function as a <c>Func&lt;T1, T2, T3, T4, T5, TResult&gt;</c>.</summary>
    public Func<T1, T2, T3, T4, T5, TResult> Typed<T1, T2, T3, T4, T5, TResult>()
    {
        CheckArity(5, 1);
        CheckType<T1>(Type.Params[0], "parameter 0");
        CheckType<T2>(Type.Params[1], "parameter 1");
        CheckType<T3>(Type.Params[2], "parameter 2");
        CheckType<T4>(Type.Params[3], "parameter 3");
        CheckType<T5>(Type.Params[4], "parameter 4");
        CheckType<TResult>(Type.Results[0], "result");
        return (a1, a2, a3, a4, a5) =>
        {
            Span<ValueSlot> s = stackalloc ValueSlot[5];
            TypedSlots.Write(Store, ref s[0], a1, Type.Params[0]);
            TypedSlots.Write(Store, ref s[1], a2, Type.Params[1]);
            TypedSlots.Write(Store, ref s[2], a3, Type.Params[2]);
            TypedSlots.Write(Store, ref s[3], a4, Type.Params[3]);
            TypedSlots.Write(Store, ref s[4], a5, Type.Params[4]);
            Call(s);
            return TypedSlots.Read<TResult>(Store, s[0]);
        };
    }

    /// <summary>This function as a <c>Action&lt;T1, T2, T3, T4, T5&gt;</c>.</summary>
    public Action<T1, T2, T3, T4, T5> TypedAction<T1, T2, T3, T4, T5>()
    {
        CheckArity(5, 0);
        CheckType<T1>(Type.Params[0], "parameter 0");
        CheckType<T2>(Type.Params[1], "parameter 1");
        CheckType<T3>(Type.Params[2], "parameter 2");
        CheckType<T4>(Type.Params[3], "parameter 3");
        CheckType<T5>(Type.Params[4], "parameter 4");
        return (a1, a2, a3, a4, a5) =>
        {
            Span<ValueSlot> s = stackalloc ValueSlot[5];
            TypedSlots.Write(Store, ref s[0], a1, Type.Params[0]);
            TypedSlots.Write(Store, ref s[1], a2, Type.Params[1]);
            TypedSlots.Write(Store, ref s[2], a3, Type.Params[2]);
            TypedSlots.Write(Store, ref s[3], a4, Type.Params[3]);
            TypedSlots.Write(Store, ref s[4], a5, Type.Params[4]);
            Call(s);
        };
    }

    /// <summary>This function as a <c>Func&lt;T1, T2, T3, T4, T5, T6, TResult&gt;</c>.</summary>
    public Func<T1, T2, T3, T4, T5, T6, TResult> Typed<T1, T2, T3, T4, T5, T6, TResult>()
    {
        CheckArity(6, 1);
        CheckType<T1>(Type.Params[0], "parameter 0");
        CheckType<T2>(Type.Params[1], "parameter 1");
        CheckType<T3>(Type.Params[2], "parameter 2");
        CheckType<T4>(Type.Params[3], "parameter 3");
        CheckType<T5>(Type.Params[4], "parameter 4");
        CheckType<T6>(Type.Params[5], "parameter 5");
        CheckType<TResult>(Type.Results[0], "result");
        return (a1, a2, a3, a4, a5, a6) =>
        {
            Span<ValueSlot> s = stackalloc ValueSlot[6];
            TypedSlots.Write(Store, ref s[0], a1, Type.Params[0]);
            TypedSlots.Write(Store, ref s[1], a2, Type.Params[1]);
            TypedSlots.Write(Store, ref s[2], a3, Type.Params[2]);
            TypedSlots.Write(Store, ref s[3], a4, Type.Params[3]);
            TypedSlots.Write(Store, ref s[4], a5, Type.Params[4]);
            TypedSlots.Write(Store, ref s[5], a6, Type.Params[5]);
            Call(s);
            return TypedSlots.Read<TResult>(Store, s[0]);
        };
    }

    /// <summary>This function as a <c>Action&lt;T1, T2, T3, T4, T5, T6&gt;</c>.</summary>
    public Action<T1, T2, T3, T4, T5, T6> TypedAction<T1, T2, T3, T4, T5, T6>()
    {
        CheckArity(6, 0);
        CheckType<T1>(Type.Params[0], "parameter 0");
        CheckType<T2>(Type.Params[1], "parameter 1");
        CheckType<T3>(Type.Params[2], "parameter 2");
        CheckType<T4>(Type.Params[3], "parameter 3");
        CheckType<T5>(Type.Params[4], "parameter 4");
        CheckType<T6>(Type.Params[5], "parameter 5");
        return (a1, a2, a3, a4, a5, a6) =>
        {
            Span<ValueSlot> s = stackalloc ValueSlot[6];
            TypedSlots.Write(Store, ref s[0], a1, Type.Params[0]);
            TypedSlots.Write(Store, ref s[1], a2, Type.Params[1]);
            TypedSlots.Write(Store, ref s[2], a3, Type.Params[2]);
            TypedSlots.Write(Store, ref s[3], a4, Type.Params[3]);
            TypedSlots.Write(Store, ref s[4], a5, Type.Params[4]);
            TypedSlots.Write(Store, ref s[5], a6, Type.Params[5]);
            Call(s);
        };
    }
}

using Hoist.Runtime.Values;
using Hoist.Wasm;

namespace Hoist.Runtime.Host;

// Host functions from typed .NET delegates: the wasm type follows from the .NET types (TypedSlots), and
// arguments and results move between value slots and .NET values without boxing. One overload per arity
// (0..6 parameters, with or without a result), all of the same shape.
internal static partial class HostFunctions
{
    public static HostFunction From<TResult>(Engine engine, Func<TResult> f)
    {
        var type = new FuncType([], [TypedSlots.TypeOf<TResult>()]);
        ValType result = type.Results[0];
        return new HostFunction(engine, type, (store, s) => TypedSlots.Write(store, ref s[0], f(), result));
    }

    public static HostFunction From(Engine engine, Action f)
    {
        var type = new FuncType([], []);
        return new HostFunction(engine, type, (store, s) => f());
    }

    public static HostFunction From<T1, TResult>(Engine engine, Func<T1, TResult> f)
    {
        var type = new FuncType([TypedSlots.TypeOf<T1>()], [TypedSlots.TypeOf<TResult>()]);
        ValType result = type.Results[0];
        return new HostFunction(engine, type, (store, s) => TypedSlots.Write(store, ref s[0], f(TypedSlots.Read<T1>(store, s[0])), result));
    }

    public static HostFunction From<T1>(Engine engine, Action<T1> f)
    {
        var type = new FuncType([TypedSlots.TypeOf<T1>()], []);
        return new HostFunction(engine, type, (store, s) => f(TypedSlots.Read<T1>(store, s[0])));
    }

    public static HostFunction From<T1, T2, TResult>(Engine engine, Func<T1, T2, TResult> f)
    {
        var type = new FuncType([TypedSlots.TypeOf<T1>(), TypedSlots.TypeOf<T2>()], [TypedSlots.TypeOf<TResult>()]);
        ValType result = type.Results[0];
        return new HostFunction(engine, type, (store, s) => TypedSlots.Write(store, ref s[0], f(TypedSlots.Read<T1>(store, s[0]), TypedSlots.Read<T2>(store, s[1])), result));
    }

    public static HostFunction From<T1, T2>(Engine engine, Action<T1, T2> f)
    {
        var type = new FuncType([TypedSlots.TypeOf<T1>(), TypedSlots.TypeOf<T2>()], []);
        return new HostFunction(engine, type, (store, s) => f(TypedSlots.Read<T1>(store, s[0]), TypedSlots.Read<T2>(store, s[1])));
    }

    public static HostFunction From<T1, T2, T3, TResult>(Engine engine, Func<T1, T2, T3, TResult> f)
    {
        var type = new FuncType([TypedSlots.TypeOf<T1>(), TypedSlots.TypeOf<T2>(), TypedSlots.TypeOf<T3>()], [TypedSlots.TypeOf<TResult>()]);
        ValType result = type.Results[0];
        return new HostFunction(engine, type, (store, s) => TypedSlots.Write(store, ref s[0], f(TypedSlots.Read<T1>(store, s[0]), TypedSlots.Read<T2>(store, s[1]), TypedSlots.Read<T3>(store, s[2])), result));
    }

    public static HostFunction From<T1, T2, T3>(Engine engine, Action<T1, T2, T3> f)
    {
        var type = new FuncType([TypedSlots.TypeOf<T1>(), TypedSlots.TypeOf<T2>(), TypedSlots.TypeOf<T3>()], []);
        return new HostFunction(engine, type, (store, s) => f(TypedSlots.Read<T1>(store, s[0]), TypedSlots.Read<T2>(store, s[1]), TypedSlots.Read<T3>(store, s[2])));
    }

    public static HostFunction From<T1, T2, T3, T4, TResult>(Engine engine, Func<T1, T2, T3, T4, TResult> f)
    {
        var type = new FuncType([TypedSlots.TypeOf<T1>(), TypedSlots.TypeOf<T2>(), TypedSlots.TypeOf<T3>(), TypedSlots.TypeOf<T4>()], [TypedSlots.TypeOf<TResult>()]);
        ValType result = type.Results[0];
        return new HostFunction(engine, type, (store, s) => TypedSlots.Write(store, ref s[0], f(TypedSlots.Read<T1>(store, s[0]), TypedSlots.Read<T2>(store, s[1]), TypedSlots.Read<T3>(store, s[2]), TypedSlots.Read<T4>(store, s[3])), result));
    }

    public static HostFunction From<T1, T2, T3, T4>(Engine engine, Action<T1, T2, T3, T4> f)
    {
        var type = new FuncType([TypedSlots.TypeOf<T1>(), TypedSlots.TypeOf<T2>(), TypedSlots.TypeOf<T3>(), TypedSlots.TypeOf<T4>()], []);
        return new HostFunction(engine, type, (store, s) => f(TypedSlots.Read<T1>(store, s[0]), TypedSlots.Read<T2>(store, s[1]), TypedSlots.Read<T3>(store, s[2]), TypedSlots.Read<T4>(store, s[3])));
    }

    public static HostFunction From<T1, T2, T3, T4, T5, TResult>(Engine engine, Func<T1, T2, T3, T4, T5, TResult> f)
    {
        var type = new FuncType([TypedSlots.TypeOf<T1>(), TypedSlots.TypeOf<T2>(), TypedSlots.TypeOf<T3>(), TypedSlots.TypeOf<T4>(), TypedSlots.TypeOf<T5>()], [TypedSlots.TypeOf<TResult>()]);
        ValType result = type.Results[0];
        return new HostFunction(engine, type, (store, s) => TypedSlots.Write(store, ref s[0], f(TypedSlots.Read<T1>(store, s[0]), TypedSlots.Read<T2>(store, s[1]), TypedSlots.Read<T3>(store, s[2]), TypedSlots.Read<T4>(store, s[3]), TypedSlots.Read<T5>(store, s[4])), result));
    }

    public static HostFunction From<T1, T2, T3, T4, T5>(Engine engine, Action<T1, T2, T3, T4, T5> f)
    {
        var type = new FuncType([TypedSlots.TypeOf<T1>(), TypedSlots.TypeOf<T2>(), TypedSlots.TypeOf<T3>(), TypedSlots.TypeOf<T4>(), TypedSlots.TypeOf<T5>()], []);
        return new HostFunction(engine, type, (store, s) => f(TypedSlots.Read<T1>(store, s[0]), TypedSlots.Read<T2>(store, s[1]), TypedSlots.Read<T3>(store, s[2]), TypedSlots.Read<T4>(store, s[3]), TypedSlots.Read<T5>(store, s[4])));
    }

    public static HostFunction From<T1, T2, T3, T4, T5, T6, TResult>(Engine engine, Func<T1, T2, T3, T4, T5, T6, TResult> f)
    {
        var type = new FuncType([TypedSlots.TypeOf<T1>(), TypedSlots.TypeOf<T2>(), TypedSlots.TypeOf<T3>(), TypedSlots.TypeOf<T4>(), TypedSlots.TypeOf<T5>(), TypedSlots.TypeOf<T6>()], [TypedSlots.TypeOf<TResult>()]);
        ValType result = type.Results[0];
        return new HostFunction(engine, type, (store, s) => TypedSlots.Write(store, ref s[0], f(TypedSlots.Read<T1>(store, s[0]), TypedSlots.Read<T2>(store, s[1]), TypedSlots.Read<T3>(store, s[2]), TypedSlots.Read<T4>(store, s[3]), TypedSlots.Read<T5>(store, s[4]), TypedSlots.Read<T6>(store, s[5])), result));
    }

    public static HostFunction From<T1, T2, T3, T4, T5, T6>(Engine engine, Action<T1, T2, T3, T4, T5, T6> f)
    {
        var type = new FuncType([TypedSlots.TypeOf<T1>(), TypedSlots.TypeOf<T2>(), TypedSlots.TypeOf<T3>(), TypedSlots.TypeOf<T4>(), TypedSlots.TypeOf<T5>(), TypedSlots.TypeOf<T6>()], []);
        return new HostFunction(engine, type, (store, s) => f(TypedSlots.Read<T1>(store, s[0]), TypedSlots.Read<T2>(store, s[1]), TypedSlots.Read<T3>(store, s[2]), TypedSlots.Read<T4>(store, s[3]), TypedSlots.Read<T5>(store, s[4]), TypedSlots.Read<T6>(store, s[5])));
    }
}

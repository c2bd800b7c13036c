using Hoist.Runtime.Host;

namespace Hoist.Runtime;

// Typed host function definitions: one overload per arity (0..6 parameters, with or without a result).
public sealed partial class Linker
{
    public Linker DefineFunction<TResult>(string module, string name, Func<TResult> f) => Define(module, name, HostFunctions.From(Engine, f));

    public Linker DefineFunction(string module, string name, Action f) => Define(module, name, HostFunctions.From(Engine, f));

    public Linker DefineFunction<T1, TResult>(string module, string name, Func<T1, TResult> f) => Define(module, name, HostFunctions.From(Engine, f));

    public Linker DefineFunction<T1>(string module, string name, Action<T1> f) => Define(module, name, HostFunctions.From(Engine, f));

    public Linker DefineFunction<T1, T2, TResult>(string module, string name, Func<T1, T2, TResult> f) => Define(module, name, HostFunctions.From(Engine, f));

    public Linker DefineFunction<T1, T2>(string module, string name, Action<T1, T2> f) => Define(module, name, HostFunctions.From(Engine, f));

    public Linker DefineFunction<T1, T2, T3, TResult>(string module, string name, Func<T1, T2, T3, TResult> f) => Define(module, name, HostFunctions.From(Engine, f));

    public Linker DefineFunction<T1, T2, T3>(string module, string name, Action<T1, T2, T3> f) => Define(module, name, HostFunctions.From(Engine, f));

    public Linker DefineFunction<T1, T2, T3, T4, TResult>(string module, string name, Func<T1, T2, T3, T4, TResult> f) => Define(module, name, HostFunctions.From(Engine, f));

    public Linker DefineFunction<T1, T2, T3, T4>(string module, string name, Action<T1, T2, T3, T4> f) => Define(module, name, HostFunctions.From(Engine, f));

    public Linker DefineFunction<T1, T2, T3, T4, T5, TResult>(string module, string name, Func<T1, T2, T3, T4, T5, TResult> f) => Define(module, name, HostFunctions.From(Engine, f));

    public Linker DefineFunction<T1, T2, T3, T4, T5>(string module, string name, Action<T1, T2, T3, T4, T5> f) => Define(module, name, HostFunctions.From(Engine, f));

    public Linker DefineFunction<T1, T2, T3, T4, T5, T6, TResult>(string module, string name, Func<T1, T2, T3, T4, T5, T6, TResult> f) => Define(module, name, HostFunctions.From(Engine, f));

    public Linker DefineFunction<T1, T2, T3, T4, T5, T6>(string module, string name, Action<T1, T2, T3, T4, T5, T6> f) => Define(module, name, HostFunctions.From(Engine, f));
}

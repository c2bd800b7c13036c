namespace Hoist.Runtime;

// Typed access to exported functions (see Func.Typed): one overload per arity (0..6 parameters, with or without a result).
public sealed partial class Instance
{
    public Func<TResult> GetFunction<TResult>(string name) => GetFunc(name).Typed<TResult>();

    public Action GetAction(string name) => GetFunc(name).TypedAction();

    public Func<T1, TResult> GetFunction<T1, TResult>(string name) => GetFunc(name).Typed<T1, TResult>();

    public Action<T1> GetAction<T1>(string name) => GetFunc(name).TypedAction<T1>();

    public Func<T1, T2, TResult> GetFunction<T1, T2, TResult>(string name) => GetFunc(name).Typed<T1, T2, TResult>();

    public Action<T1, T2> GetAction<T1, T2>(string name) => GetFunc(name).TypedAction<T1, T2>();

    public Func<T1, T2, T3, TResult> GetFunction<T1, T2, T3, TResult>(string name) => GetFunc(name).Typed<T1, T2, T3, TResult>();

    public Action<T1, T2, T3> GetAction<T1, T2, T3>(string name) => GetFunc(name).TypedAction<T1, T2, T3>();

    public Func<T1, T2, T3, T4, TResult> GetFunction<T1, T2, T3, T4, TResult>(string name) => GetFunc(name).Typed<T1, T2, T3, T4, TResult>();

    public Action<T1, T2, T3, T4> GetAction<T1, T2, T3, T4>(string name) => GetFunc(name).TypedAction<T1, T2, T3, T4>();

    public Func<T1, T2, T3, T4, T5, TResult> GetFunction<T1, T2, T3, T4, T5, TResult>(string name) => GetFunc(name).Typed<T1, T2, T3, T4, T5, TResult>();

    public Action<T1, T2, T3, T4, T5> GetAction<T1, T2, T3, T4, T5>(string name) => GetFunc(name).TypedAction<T1, T2, T3, T4, T5>();

    public Func<T1, T2, T3, T4, T5, T6, TResult> GetFunction<T1, T2, T3, T4, T5, T6, TResult>(string name) => GetFunc(name).Typed<T1, T2, T3, T4, T5, T6, TResult>();

    public Action<T1, T2, T3, T4, T5, T6> GetAction<T1, T2, T3, T4, T5, T6>(string name) => GetFunc(name).TypedAction<T1, T2, T3, T4, T5, T6>();
}

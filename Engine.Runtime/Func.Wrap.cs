using Hoist.Runtime.Host;

namespace Hoist.Runtime;

// Host functions of a store from typed delegates: one overload per arity (0..6 parameters, with or without a result).
public sealed partial class Func
{
    public static Func Wrap<TResult>(Store store, Func<TResult> f) => store.Bind(HostFunctions.From(store.Engine, f));

    public static Func Wrap(Store store, Action f) => store.Bind(HostFunctions.From(store.Engine, f));

    public static Func Wrap<T1, TResult>(Store store, Func<T1, TResult> f) => store.Bind(HostFunctions.From(store.Engine, f));

    public static Func Wrap<T1>(Store store, Action<T1> f) => store.Bind(HostFunctions.From(store.Engine, f));

    public static Func Wrap<T1, T2, TResult>(Store store, Func<T1, T2, TResult> f) => store.Bind(HostFunctions.From(store.Engine, f));

    public static Func Wrap<T1, T2>(Store store, Action<T1, T2> f) => store.Bind(HostFunctions.From(store.Engine, f));

    public static Func Wrap<T1, T2, T3, TResult>(Store store, Func<T1, T2, T3, TResult> f) => store.Bind(HostFunctions.From(store.Engine, f));

    public static Func Wrap<T1, T2, T3>(Store store, Action<T1, T2, T3> f) => store.Bind(HostFunctions.From(store.Engine, f));

    public static Func Wrap<T1, T2, T3, T4, TResult>(Store store, Func<T1, T2, T3, T4, TResult> f) => store.Bind(HostFunctions.From(store.Engine, f));

    public static Func Wrap<T1, T2, T3, T4>(Store store, Action<T1, T2, T3, T4> f) => store.Bind(HostFunctions.From(store.Engine, f));

    public static Func Wrap<T1, T2, T3, T4, T5, TResult>(Store store, Func<T1, T2, T3, T4, T5, TResult> f) => store.Bind(HostFunctions.From(store.Engine, f));

    public static Func Wrap<T1, T2, T3, T4, T5>(Store store, Action<T1, T2, T3, T4, T5> f) => store.Bind(HostFunctions.From(store.Engine, f));

    public static Func Wrap<T1, T2, T3, T4, T5, T6, TResult>(Store store, Func<T1, T2, T3, T4, T5, T6, TResult> f) => store.Bind(HostFunctions.From(store.Engine, f));

    public static Func Wrap<T1, T2, T3, T4, T5, T6>(Store store, Action<T1, T2, T3, T4, T5, T6> f) => store.Bind(HostFunctions.From(store.Engine, f));
}

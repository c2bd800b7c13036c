namespace Hoist.Runtime.Values;

/// <summary>
/// The store's table of .NET objects that wasm holds as externref: native code sees a handle (u64), never a
/// managed pointer. Handle 0 is null; handle h is object h - 1. The same object always gets the same handle
/// (by reference), so round trips preserve identity. Handles live as long as the store (wasm may keep them
/// in tables and globals, which the runtime does not trace).
/// </summary>
internal sealed class ExternRefTable
{
    readonly List<object> _objects = [];
    readonly Dictionary<object, ulong> _handles = new(ReferenceEqualityComparer.Instance);

    public ulong HandleOf(object? o)
    {
        if (o is null) return 0;
        if (_handles.TryGetValue(o, out ulong h)) return h;
        _objects.Add(o);
        h = (ulong)_objects.Count;
        _handles.Add(o, h);
        return h;
    }

    public object? ObjectOf(ulong handle)
    {
        if (handle == 0) return null;
        if (handle > (ulong)_objects.Count) throw new InvalidOperationException($"externref handle {handle} is not in this store");
        return _objects[(int)(handle - 1)];
    }
}

namespace Hoist.Wasm.Validation;

/// <summary>
/// One canonical defined type: its structure with every concrete heap type replaced by a canonical
/// id, its finality, its declared supertype (canonical id or -1) and the depth of its supertype chain.
/// </summary>
public sealed class CanonicalType(int id, int groupStart, bool final, int supertype, int depth, CompositeType composite)
{
    public int Id { get; } = id;
    /// <summary>The canonical id of the first type of this type's recursion group.</summary>
    public int GroupStart { get; } = groupStart;
    public bool Final { get; } = final;
    public int Supertype { get; } = supertype;
    /// <summary>0 for a type without supertype, else 1 + the supertype's depth.</summary>
    public int Depth { get; } = depth;
    /// <summary>The structure, in canonical form: concrete heap type codes are canonical ids.</summary>
    public CompositeType Composite { get; } = composite;
    public CompositeKind Kind => Composite.Kind;
}

/// <summary>
/// Canonicalises recursion groups for iso-recursive type equivalence (Wasm 3.0 / GC). A rec group is
/// reduced to a key in which references to types of the same group are written as their relative
/// position and references to earlier groups as those groups' canonical ids; equal keys are the same
/// group, so two defined types are equivalent iff they get the same canonical id (group start +
/// position). One registry is shared by every module of an engine, which makes canonical ids
/// comparable across modules (import matching, cross-module <c>call_indirect</c>).
/// Invariants: canonical ids are dense, never reused and never freed; an entry is immutable and is
/// published before its id is handed out, so lookups need no lock; canonicalisation takes a lock.
/// </summary>
public sealed class TypeRegistry
{
    readonly object _gate = new();
    readonly Dictionary<GroupKey, int> _groups = new();
    CanonicalType[] _types = new CanonicalType[64];
    int _count;

    /// <summary>The number of canonical types so far.</summary>
    public int Count => Volatile.Read(ref _count);

    public CanonicalType this[int id]
    {
        get
        {
            // Count first: the array is published before the count that covers its new entries.
            int count = Count;
            var types = Volatile.Read(ref _types);
            if ((uint)id >= (uint)count) throw new ArgumentOutOfRangeException(nameof(id));
            return types[id];
        }
    }

    /// <summary>
    /// Canonicalises the module types <c>[start, start + count)</c>, one recursion group, and writes their
    /// canonical ids to <c>canonical[start..]</c>. The ids of all earlier types must already be in
    /// <paramref name="canonical"/>, and every type reference in the group must be below
    /// <c>start + count</c> (the module validator checks this first).
    /// </summary>
    public void CanonicalizeGroup(IReadOnlyList<SubType> types, int start, int count, Span<int> canonical)
    {
        var key = GroupKey.Build(types, start, count, canonical);
        lock (_gate)
        {
            if (!_groups.TryGetValue(key, out int first))
            {
                first = _count;
                var arr = _types;
                if (first + count > arr.Length)
                {
                    Array.Resize(ref arr, Math.Max(arr.Length * 2, first + count));
                    Volatile.Write(ref _types, arr);
                }
                for (int i = 0; i < count; i++)
                {
                    SubType st = types[start + i];
                    int super = st.Supertypes.Length == 0 ? -1 : MapIndex(st.Supertypes[0], start, first, canonical);
                    if (super >= first + i) throw new ArgumentException("a supertype must precede its subtype", nameof(types));
                    int depth = super < 0 ? 0 : 1 + arr[super].Depth;
                    arr[first + i] = new CanonicalType(first + i, first, st.Final, super, depth,
                        CanonicalComposite(st.Composite, start, first, canonical));
                }
                _groups.Add(key, first);
                Volatile.Write(ref _count, first + count);
            }
            for (int i = 0; i < count; i++) canonical[start + i] = first + i;
        }
    }

    static int MapIndex(uint index, int start, int first, ReadOnlySpan<int> canonical) =>
        index >= (uint)start ? first + (int)(index - (uint)start) : canonical[(int)index];

    static ValType MapVal(ValType t, int start, int first, ReadOnlySpan<int> canonical) =>
        t.IsRef && t.Heap.IsConcrete ? t with { Heap = new HeapType(MapIndex(t.Heap.TypeIndex, start, first, canonical)) } : t;

    static CompositeType CanonicalComposite(CompositeType c, int start, int first, ReadOnlySpan<int> canonical)
    {
        switch (c)
        {
            case FuncType f:
            {
                var ps = new ValType[f.Params.Length];
                for (int i = 0; i < ps.Length; i++) ps[i] = MapVal(f.Params[i], start, first, canonical);
                var rs = new ValType[f.Results.Length];
                for (int i = 0; i < rs.Length; i++) rs[i] = MapVal(f.Results[i], start, first, canonical);
                return new FuncType(ps, rs);
            }
            case StructType s:
            {
                var fs = new FieldType[s.Fields.Length];
                for (int i = 0; i < fs.Length; i++)
                    fs[i] = s.Fields[i] with { Storage = MapVal(s.Fields[i].Storage, start, first, canonical) };
                return new StructType(fs);
            }
            case ArrayType a:
                return new ArrayType(a.Element with { Storage = MapVal(a.Element.Storage, start, first, canonical) });
            default:
                throw new ArgumentException("unknown composite type", nameof(c));
        }
    }

    /// <summary>A value type of a module in canonical form, given the module's canonical ids.</summary>
    public static ValType ToCanonical(ValType t, ReadOnlySpan<int> canonical) =>
        t.IsRef && t.Heap.IsConcrete ? t with { Heap = new HeapType(canonical[t.Heap.Code]) } : t;

    /// <summary>Subtyping of canonical value types (concrete heap codes are canonical ids of this registry).</summary>
    public bool IsSubtype(ValType a, ValType b) => Subtyping.IsValSubtype(new Hierarchy(this), a, b);

    /// <summary>Whether canonical type <paramref name="sub"/> is <paramref name="super"/> or declares it as an ancestor.</summary>
    public bool IsSubtype(int sub, int super) =>
        Subtyping.IsHeapSubtype(new Hierarchy(this), new HeapType(sub), new HeapType(super));

    /// <summary>The registry as a type hierarchy whose codes are canonical ids.</summary>
    public readonly struct Hierarchy(TypeRegistry registry) : ITypeHierarchy
    {
        public CompositeKind KindOf(int code) => registry[code].Kind;
        public int CanonicalIdOf(int code) => code;
        public int SupertypeOf(int code) => registry[code].Supertype;
    }

    /// <summary>The structural key of a recursion group (see the class comment), compared element-wise.</summary>
    sealed class GroupKey : IEquatable<GroupKey>
    {
        readonly int[] _data;
        readonly int _hash;

        GroupKey(int[] data)
        {
            _data = data;
            var h = new HashCode();
            h.AddBytes(System.Runtime.InteropServices.MemoryMarshal.AsBytes(data.AsSpan()));
            _hash = h.ToHashCode();
        }

        public static GroupKey Build(IReadOnlyList<SubType> types, int start, int count, ReadOnlySpan<int> canonical)
        {
            var d = new List<int>(count * 8) { count };
            for (int i = 0; i < count; i++)
            {
                SubType st = types[start + i];
                d.Add((st.Final ? 1 : 0) | ((int)st.Composite.Kind << 1));
                d.Add(st.Supertypes.Length);
                foreach (uint s in st.Supertypes) AddRef(d, (int)s, start, canonical);
                switch (st.Composite)
                {
                    case FuncType f:
                        d.Add(f.Params.Length);
                        foreach (var p in f.Params) AddVal(d, p, start, canonical);
                        d.Add(f.Results.Length);
                        foreach (var r in f.Results) AddVal(d, r, start, canonical);
                        break;
                    case StructType s:
                        d.Add(s.Fields.Length);
                        foreach (var fld in s.Fields) AddField(d, fld, start, canonical);
                        break;
                    case ArrayType a:
                        AddField(d, a.Element, start, canonical);
                        break;
                }
            }
            return new GroupKey(d.ToArray());
        }

        static void AddField(List<int> d, FieldType f, int start, ReadOnlySpan<int> canonical)
        {
            d.Add(f.Mutable ? 1 : 0);
            AddVal(d, f.Storage, start, canonical);
        }

        static void AddVal(List<int> d, ValType t, int start, ReadOnlySpan<int> canonical)
        {
            d.Add((int)t.Kind);
            if (!t.IsRef) return;
            d.Add(t.Nullable ? 1 : 0);
            if (t.Heap.IsAbstract) { d.Add(0); d.Add(t.Heap.Code); }
            else AddRef(d, t.Heap.Code, start, canonical);
        }

        // A concrete reference: (1, position) inside the group, (2, canonical id) to an earlier group.
        static void AddRef(List<int> d, int index, int start, ReadOnlySpan<int> canonical)
        {
            if (index >= start) { d.Add(1); d.Add(index - start); }
            else { d.Add(2); d.Add(canonical[index]); }
        }

        public bool Equals(GroupKey? other) => other is not null && _hash == other._hash && _data.AsSpan().SequenceEqual(other._data);
        public override bool Equals(object? obj) => Equals(obj as GroupKey);
        public override int GetHashCode() => _hash;
    }
}

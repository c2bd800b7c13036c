namespace Hoist.Optimizing.Ir;

// The layout: the order of blocks in the function and of instructions in each block, as doubly linked
// lists threaded through BlockData and InstData (-1 ends a list). The first block is the entry block.
// Insertion and removal are O(1); entities out of the layout keep their numbers and data.
public sealed partial class Function
{
    int _firstBlock = -1, _lastBlock = -1;

    /// <summary>The entry block: the first block in the layout (None while the layout is empty).</summary>
    public Block EntryBlock => new(_firstBlock);
    public Block FirstBlock => new(_firstBlock);
    public Block LastBlock => new(_lastBlock);
    public Block NextBlock(Block b) => new(_blocks[b.Index].Next);
    public Block PrevBlock(Block b) => new(_blocks[b.Index].Prev);
    public bool IsInLayout(Block b) => _blocks[b.Index].InLayout;

    public void AppendBlock(Block b) => InsertBlockAfter(b, new Block(_lastBlock));

    /// <summary>Inserts <paramref name="b"/> after <paramref name="after"/> (None = at the front).</summary>
    public void InsertBlockAfter(Block b, Block after)
    {
        ref BlockData d = ref _blocks[b.Index];
        if (d.InLayout) throw new InvalidOperationException($"{b} is already in the layout");
        int next = after.IsValid ? _blocks[after.Index].Next : _firstBlock;
        d.Prev = after.Index;
        d.Next = next;
        d.InLayout = true;
        if (after.IsValid) _blocks[after.Index].Next = b.Index; else _firstBlock = b.Index;
        if (next >= 0) _blocks[next].Prev = b.Index; else _lastBlock = b.Index;
    }

    public void InsertBlockBefore(Block b, Block before) => InsertBlockAfter(b, new Block(_blocks[before.Index].Prev));

    /// <summary>Takes a block out of the layout; its instructions stay attached to it (and so out of the layout too).</summary>
    public void RemoveBlock(Block b)
    {
        ref BlockData d = ref _blocks[b.Index];
        if (!d.InLayout) throw new InvalidOperationException($"{b} is not in the layout");
        if (d.Prev >= 0) _blocks[d.Prev].Next = d.Next; else _firstBlock = d.Next;
        if (d.Next >= 0) _blocks[d.Next].Prev = d.Prev; else _lastBlock = d.Prev;
        d.Prev = d.Next = -1;
        d.InLayout = false;
    }

    /// <summary>The blocks in layout order. Removing the current block while iterating is safe.</summary>
    public BlockEnumerable Blocks => new(this);

    public Inst FirstInst(Block b) => new(_blocks[b.Index].FirstInst);
    public Inst LastInst(Block b) => new(_blocks[b.Index].LastInst);
    public Inst NextInst(Inst i) => new(_insts[i.Index].Next);
    public Inst PrevInst(Inst i) => new(_insts[i.Index].Prev);

    /// <summary>The block holding the instruction, or None when it is not inserted.</summary>
    public Block BlockOf(Inst i) => new(_insts[i.Index].Block);

    /// <summary>True when the instruction is in a block that is in the layout.</summary>
    public bool IsInLayout(Inst i) => _insts[i.Index].Block >= 0 && _blocks[_insts[i.Index].Block].InLayout;

    /// <summary>The block's last instruction if it is a terminator, else None.</summary>
    public Inst Terminator(Block b)
    {
        int last = _blocks[b.Index].LastInst;
        return last >= 0 && _insts[last].Op.IsTerminator() ? new Inst(last) : Inst.None;
    }

    public void AppendInst(Block b, Inst i)
    {
        ref InstData d = ref _insts[i.Index];
        if (d.Block >= 0) throw new InvalidOperationException($"{i} is already inserted");
        ref BlockData bd = ref _blocks[b.Index];
        d.Block = b.Index;
        d.Prev = bd.LastInst;
        d.Next = -1;
        if (bd.LastInst >= 0) _insts[bd.LastInst].Next = i.Index; else bd.FirstInst = i.Index;
        bd.LastInst = i.Index;
    }

    public void InsertInstBefore(Inst i, Inst before)
    {
        ref InstData d = ref _insts[i.Index];
        if (d.Block >= 0) throw new InvalidOperationException($"{i} is already inserted");
        ref InstData bd = ref _insts[before.Index];
        if (bd.Block < 0) throw new InvalidOperationException($"{before} is not inserted");
        d.Block = bd.Block;
        d.Next = before.Index;
        d.Prev = bd.Prev;
        if (bd.Prev >= 0) _insts[bd.Prev].Next = i.Index; else _blocks[bd.Block].FirstInst = i.Index;
        bd.Prev = i.Index;
    }

    public void InsertInstAfter(Inst i, Inst after)
    {
        int next = _insts[after.Index].Next;
        if (next >= 0) InsertInstBefore(i, new Inst(next));
        else AppendInst(new Block(_insts[after.Index].Block), i);
    }

    /// <summary>Takes an instruction out of its block. Its results keep their numbers (the caller replaces their uses).</summary>
    public void RemoveInst(Inst i)
    {
        ref InstData d = ref _insts[i.Index];
        if (d.Block < 0) throw new InvalidOperationException($"{i} is not inserted");
        ref BlockData bd = ref _blocks[d.Block];
        if (d.Prev >= 0) _insts[d.Prev].Next = d.Next; else bd.FirstInst = d.Next;
        if (d.Next >= 0) _insts[d.Next].Prev = d.Prev; else bd.LastInst = d.Prev;
        d.Block = d.Prev = d.Next = -1;
    }

    /// <summary>
    /// Replaces the single result of <paramref name="i"/> by <paramref name="v"/> everywhere (the result becomes
    /// an alias of v) and removes the instruction.
    /// </summary>
    public void ReplaceWithValue(Inst i, Value v)
    {
        ChangeToAlias(Result(i), v);
        RemoveInst(i);
    }

    /// <summary>The instructions of a block in order. Removing the current instruction while iterating is safe.</summary>
    public InstEnumerable InstsOf(Block b) => new(this, b);

    public struct BlockEnumerable(Function f)
    {
        public readonly BlockEnumerator GetEnumerator() => new(f);
    }

    public struct BlockEnumerator(Function f)
    {
        int _current = -1, _next = f._firstBlock;

        public readonly Block Current => new(_current);

        public bool MoveNext()
        {
            _current = _next;
            if (_current < 0) return false;
            _next = f._blocks[_current].Next;
            return true;
        }
    }

    public struct InstEnumerable(Function f, Block b)
    {
        public readonly InstEnumerator GetEnumerator() => new(f, b);
    }

    public struct InstEnumerator(Function f, Block b)
    {
        int _current = -1, _next = f._blocks[b.Index].FirstInst;

        public readonly Inst Current => new(_current);

        public bool MoveNext()
        {
            _current = _next;
            if (_current < 0) return false;
            _next = f._insts[_current].Next;
            return true;
        }
    }
}

using Hoist.Optimizing.Analysis;
using Hoist.Optimizing.Ir;

namespace Hoist.Tests.Optimizing;

public class DominatorTreeTests
{
    [Fact]
    public void DiamondLoopAndUnreachableBlock()
    {
        // block0 -> block1 (loop header) -> block2 | block3 -> block4 (latch) -> block1 | block5 (exit); block6 unreachable.
        var f = IrParser.Parse("""
            function %d wasm (i32) {
            block0(v0: i32):
                jump block1
            block1:
                brif v0, block2, block3
            block2:
                jump block4
            block3:
                jump block4
            block4:
                brif v0, block1, block5
            block5:
                return
            block6:
                jump block5
            }
            """);
        var cfg = new ControlFlowGraph();
        cfg.Compute(f);
        var dom = new DominatorTree();
        dom.Compute(f, cfg);
        Block B(int i) => new(i);
        Assert.Equal([B(2), B(3)], cfg.Successors(B(1)).ToArray());
        Assert.Equal([B(0), B(4)], cfg.Predecessors(B(1)).ToArray().OrderBy(b => b.Index));
        Assert.Equal(B(0), dom.ImmediateDominator(B(1)));
        Assert.Equal(B(1), dom.ImmediateDominator(B(2)));
        Assert.Equal(B(1), dom.ImmediateDominator(B(4)));
        Assert.Equal(B(4), dom.ImmediateDominator(B(5)));
        Assert.True(dom.Dominates(B(1), B(5)));
        Assert.True(dom.Dominates(B(4), B(4)));
        Assert.False(dom.Dominates(B(2), B(4)));
        Assert.False(dom.Dominates(B(3), B(1)));
        Assert.False(dom.IsReachable(B(6)));
        Assert.False(dom.Dominates(B(6), B(5)));
        Assert.False(dom.Dominates(B(0), B(6)));
        Assert.Equal(B(0), dom.ReversePostOrder[0]);
        Assert.Equal(6, dom.ReversePostOrder.Length);
        // Reverse post-order puts every block before its successors except along back edges.
        Assert.True(dom.RpoNumber(B(1)) < dom.RpoNumber(B(4)) && dom.RpoNumber(B(4)) < dom.RpoNumber(B(5)));
    }

    [Fact]
    public void DeepChainsDoNotRecurse()
    {
        var sb = new System.Text.StringBuilder("function %chain wasm () {\n");
        const int n = 50_000;
        for (int i = 0; i < n; i++) sb.Append($"block{i}:\n    jump block{i + 1}\n");
        sb.Append($"block{n}:\n    return\n}}\n");
        var f = IrParser.Parse(sb.ToString());
        var cfg = new ControlFlowGraph();
        cfg.Compute(f);
        var dom = new DominatorTree();
        dom.Compute(f, cfg);
        Assert.True(dom.Dominates(new Block(0), new Block(n)));
        Assert.Equal(new Block(n - 1), dom.ImmediateDominator(new Block(n)));
        Verifier.Verify(f);
    }
}

using Hoist.Runtime;

namespace Hoist.Tests.Wasi;

/// <summary>
/// The compilers that exist: every <see cref="Strategy"/> whose engine can be made. A strategy that is
/// not implemented yet throws <see cref="NotSupportedException"/> when its engine is created and is left
/// out; once it stops throwing, every test that runs on <see cref="All"/> includes it automatically.
/// </summary>
public static class Tiers
{
    public static IReadOnlyList<Strategy> All { get; } = Enum.GetValues<Strategy>().Where(Exists).ToArray();

    static bool Exists(Strategy s)
    {
        try
        {
            _ = new Engine(new Config { Strategy = s });
            return true;
        }
        catch (NotSupportedException)
        {
            return false;
        }
    }

    /// <summary>One engine per tier, shared by the tests (engines are thread-safe).</summary>
    public static Engine Engine(Strategy s) => s_engines.GetOrAdd(s, x => new Engine(new Config { Strategy = x }));

    static readonly System.Collections.Concurrent.ConcurrentDictionary<Strategy, Engine> s_engines = new();

    /// <summary>xunit rows: each of <paramref name="rows"/> on every tier (the tier last).</summary>
    public static TheoryData<string, Strategy> Cross(IEnumerable<string> rows)
    {
        var data = new TheoryData<string, Strategy>();
        foreach (string r in rows)
            foreach (Strategy s in All) data.Add(r, s);
        return data;
    }
}

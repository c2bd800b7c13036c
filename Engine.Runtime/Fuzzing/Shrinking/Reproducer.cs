using System.Text;
using Hoist.Wasm;
using Hoist.Wasm.Text;

namespace Hoist.Runtime.Fuzzing;

/// <summary>
/// Writes a failing (shrunk) test case as a <c>.wat</c> file whose header comments say how it was found (run
/// seed, iteration, module seed, profile), what failed, the calls to make (in order, with the fuel global reset
/// before each) and what each target did; the binary is written next to it as <c>.wasm</c>.
/// </summary>
public static class Reproducer
{
    public static string Write(string directory, string name, FuzzCase c, string origin, Divergence divergence, IEnumerable<RunOutcome> outcomes)
    {
        Directory.CreateDirectory(directory);
        string path = Path.Combine(directory, name + ".wat");
        File.WriteAllText(path, Text(c, origin, divergence, outcomes));
        File.WriteAllBytes(Path.Combine(directory, name + ".wasm"), c.Binary);
        return path;
    }

    public static string Text(FuzzCase c, string origin, Divergence divergence, IEnumerable<RunOutcome> outcomes)
    {
        var s = new StringBuilder();
        s.AppendLine(";; hoist fuzz reproducer");
        s.AppendLine(";; " + origin);
        s.AppendLine(";; failure: " + divergence.Signature);
        foreach (var line in divergence.Detail.Split('\n').Take(12)) s.AppendLine(";;   " + line);
        s.AppendLine($";; steps: compile, instantiate, then each call in order, after setting global \"{GModule.FuelExport}\" to {GModule.FuelPerCall}:");
        var runs = outcomes.ToList();
        if (runs.Count == 0)
            foreach (var call in c.Module.Calls)
                s.AppendLine(";;   " + EngineTarget.StepName(c.Module.Funcs.IndexOf(call.Func), call.Args));
        int steps = runs.Count == 0 ? 0 : runs.Max(r => r.Steps.Count);
        for (int i = 0; i < steps; i++)
        {
            string step = runs.Select(r => i < r.Steps.Count ? r.Steps[i].Step : null).FirstOrDefault(x => x is not null) ?? "?";
            s.AppendLine(";;   " + step);
            foreach (var r in runs)
                if (i < r.Steps.Count) s.AppendLine($";;     {r.Target}: {Flatten(r.Steps[i].ToString())}");
        }
        foreach (var r in runs)
        {
            if (r.Final is not { } f) continue;
            s.AppendLine($";; final state on {r.Target}: globals [{string.Join(' ', f.Globals)}]"
                + $" memories [{string.Join(' ', f.Memories.Select(m => $"{m.Pages}p:{m.Sha256[..Math.Min(12, m.Sha256.Length)]}"))}]"
                + $" tables [{string.Join(' ', f.Tables.Select(t => t.ToString()))}]");
        }
        s.Append(WatPrinter.Print(FrontEnd.Decode(c.Binary)));
        return s.ToString();
    }

    static string Flatten(string text)
    {
        int newline = text.IndexOf('\n');
        return newline < 0 ? text : text[..newline] + " ...";
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Hoist.Wasm;

namespace Hoist.Runtime.Fuzzing;

/// <summary>
/// V8, through one long-lived <c>node</c> process, as an oracle independent of both Hoist tiers: the same case,
/// the same calls, the same final state. Used only for modules generated with
/// <see cref="GeneratorOptions.V8Compatible"/>. V8 reports floats through JS numbers (so NaN bits are lost:
/// <see cref="ExactNans"/> is false) and traps by message (<see cref="V8Traps"/>).
/// </summary>
/// <remarks>
/// A request that gets no reply within <see cref="ReplyTimeLimit"/> kills the process; the target is then
/// <see cref="Alive"/> = false and the fuzzer carries on without it.
/// </remarks>
public sealed class V8Target : IFuzzTarget
{
    readonly Process _node;
    readonly string _scriptPath;

    V8Target(Process node, string scriptPath)
    {
        _node = node;
        _scriptPath = scriptPath;
    }

    public string Name => "v8";
    public bool ExactNans => false;
    public bool Alive { get; private set; } = true;
    public TimeSpan ReplyTimeLimit { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Starts node with the runner script; null when node cannot be started.</summary>
    public static V8Target? TryStart(string node = "node")
    {
        string script = Path.Combine(Path.GetTempPath(), $"hoist-fuzz-v8-{Environment.ProcessId}-{Guid.NewGuid():N}.mjs");
        File.WriteAllText(script, V8TargetScript.Source);
        try
        {
            var info = new ProcessStartInfo(node)
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            info.ArgumentList.Add("--no-warnings");
            info.ArgumentList.Add(script);
            var process = Process.Start(info);
            if (process is null) { File.Delete(script); return null; }
            process.ErrorDataReceived += (_, _) => { };
            process.BeginErrorReadLine();
            return new V8Target(process, script);
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or IOException)
        {
            File.Delete(script);
            return null;
        }
    }

    public RunOutcome Run(FuzzCase c)
    {
        if (!Alive) return new RunOutcome(Name, [new StepOutcome("compile", StepKind.Hung, [], Detail: "node is not running")], null);
        string reply;
        try
        {
            _node.StandardInput.WriteLine(Request(c));
            _node.StandardInput.Flush();
            var read = _node.StandardOutput.ReadLineAsync();
            if (!read.Wait(ReplyTimeLimit) || read.Result is null) throw new TimeoutException($"node gave no reply within {ReplyTimeLimit.TotalSeconds:0} s");
            reply = read.Result;
        }
        catch (Exception e) when (e is IOException or TimeoutException or AggregateException or InvalidOperationException)
        {
            Alive = false;
            try { _node.Kill(); } catch (InvalidOperationException) { }
            return new RunOutcome(Name, [new StepOutcome("compile", StepKind.Hung, [], Detail: e.Message)], null);
        }
        return Parse(c, reply);
    }

    static string Type(ValType t) => t.Kind switch
    {
        ValKind.I32 => "i32", ValKind.I64 => "i64", ValKind.F32 => "f32", ValKind.F64 => "f64",
        _ => t.Heap == HeapType.Extern ? "externref" : "funcref",
    };

    static string Request(FuzzCase c)
    {
        var m = c.Module;
        var calls = new JsonArray();
        foreach (var call in m.Calls)
        {
            var args = new JsonArray();
            foreach (var a in call.Args)
            {
                args.Add(a.Type.IsNumeric ? new JsonObject { ["t"] = Type(a.Type), ["k"] = "num", ["v"] = a.Bits.ToString("x", CultureInfo.InvariantCulture) }
                    : a.FuncIndex >= 0 ? new JsonObject { ["k"] = "func", ["i"] = a.FuncIndex }
                    : a.ExternId >= 0 ? new JsonObject { ["k"] = "extern", ["i"] = a.ExternId }
                    : new JsonObject { ["k"] = "null" });
            }
            calls.Add(new JsonObject
            {
                ["f"] = m.Funcs.IndexOf(call.Func),
                ["args"] = args,
                ["results"] = new JsonArray(call.Func.Type.Results.Select(r => (JsonNode)Type(r)).ToArray()),
            });
        }
        return new JsonObject
        {
            ["wasm"] = Convert.ToBase64String(c.Binary),
            ["calls"] = calls,
            ["globals"] = new JsonArray(m.Globals.Select(g => (JsonNode)Type(g.Type.Type)).ToArray()),
            ["fuel"] = m.FuelGlobal,
            ["fuelPerCall"] = GModule.FuelPerCall,
            ["memories"] = m.Memories.Count,
            ["tables"] = new JsonArray(m.Tables.Select(t => (JsonNode)Type(t.Type.Element)).ToArray()),
        }.ToJsonString();
    }

    RunOutcome Parse(FuzzCase c, string reply)
    {
        var root = JsonNode.Parse(reply)!;
        var steps = new List<StepOutcome>();
        var names = new List<string> { "compile", "instantiate" };
        foreach (var call in c.Module.Calls) names.Add(EngineTarget.StepName(c.Module.Funcs.IndexOf(call.Func), call.Args));
        var replies = root["steps"]!.AsArray();
        for (int i = 0; i < replies.Count; i++)
        {
            var s = replies[i]!;
            string step = i < names.Count ? names[i] : "?";
            string kind = (string)s["k"]!;
            string message = (string?)s["m"] ?? "";
            steps.Add(kind switch
            {
                "ok" => StepOutcome.Success(step, s["v"]!.AsArray().Select(v => Value(v!)).ToArray()),
                "trap" => new StepOutcome(step, StepKind.Trapped, [], Detail: message),
                "reject" => new StepOutcome(step, StepKind.Rejected, [], Detail: message),
                _ => new StepOutcome(step, StepKind.Crashed, [], Detail: "v8 runner: " + message),
            });
        }
        FinalState? final = null;
        if (root["final"] is JsonObject f)
        {
            final = new FinalState(
                f["globals"]!.AsArray().Select(v => Value(v!)).ToArray(),
                f["memories"]!.AsArray().Select(v => new MemoryImage((ulong)v!["pages"]!.GetValue<double>(), (string)v["sha"]!)).ToArray(),
                f["tables"]!.AsArray().Select(t => new TableImage(t!.AsArray().Select(e => e!.GetValue<int>()).ToArray())).ToArray());
        }
        return new RunOutcome(Name, steps, final);
    }

    static FuzzValue Value(JsonNode v)
    {
        string k = (string)v["k"]!;
        if (k == "ref") return new FuzzValue(ValKind.Ref, 0, v["r"]!.GetValue<int>());
        ulong bits = ulong.Parse((string)v["v"]!, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        return FuzzValue.Number(k switch { "i32" => ValKind.I32, "i64" => ValKind.I64, "f32" => ValKind.F32, _ => ValKind.F64 }, bits);
    }

    public void Dispose()
    {
        try
        {
            if (!_node.HasExited)
            {
                _node.StandardInput.Close();
                if (!_node.WaitForExit(2000)) _node.Kill();
            }
        }
        catch (InvalidOperationException) { }
        _node.Dispose();
        try { File.Delete(_scriptPath); } catch (IOException) { }
    }
}

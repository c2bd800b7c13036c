using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace Hoist.Generators;

/// <summary>
/// Turns <c>Ir/irops.def</c> (the single source of truth for the optimizing compiler's IR opcodes)
/// into the <c>Op</c> enum and the <c>OpInfo</c> tables. The file format is documented at its top.
/// Malformed rows are reported as compiler errors (HOIST101) with the row's line number.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class IrOpTableGenerator : IIncrementalGenerator
{
    static readonly DiagnosticDescriptor BadRow = new(
        "HOIST101", "Malformed IR opcode table row", "{0}", "Hoist.Generators", DiagnosticSeverity.Error, true);

    static readonly string[] s_typeSymbols = { "T", "i32", "i64", "f32", "f64", "int", "float", "any" };
    static readonly string[] s_ctrlClasses = { "-", "int", "float", "any", "i32", "i64", "f32", "f64" };
    static readonly Dictionary<string, string> s_flags = new Dictionary<string, string>
    {
        ["pure"] = "Pure", ["comm"] = "Commutative", ["trap"] = "Trap", ["load"] = "Load",
        ["store"] = "Store", ["call"] = "Call", ["term"] = "Terminator",
    };

    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var files = context.AdditionalTextsProvider
            .Where(static f => f.Path.EndsWith("irops.def", StringComparison.OrdinalIgnoreCase))
            .Select(static (f, ct) => (f.Path, Text: f.GetText(ct)?.ToString() ?? ""));
        context.RegisterSourceOutput(files, static (spc, file) => Generate(spc, file.Path, file.Text));
    }

    sealed class Row
    {
        public int Line;
        public string Mnemonic = "";
        public string Name = "";
        public string Format = "";
        public string[] Params = Array.Empty<string>();
        public string[] Results = Array.Empty<string>();
        public bool VarArgs, VarResults;
        public string Ctrl = "";
        public string[] Flags = Array.Empty<string>();
    }

    static void Generate(SourceProductionContext spc, string path, string text)
    {
        var rows = new List<Row>();
        string[] lines = text.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i].Trim();
            if (line.Length == 0 || line[0] == '#') continue;
            string[] cols = line.Split(new[] { ' ', '\t' }, StringSplitOptions.RemoveEmptyEntries);
            try { rows.Add(ParseRow(cols, i + 1)); }
            catch (FormatException e)
            {
                Report(spc, path, i, e.Message);
                return;
            }
        }
        var dup = rows.GroupBy(r => r.Name).FirstOrDefault(g => g.Count() > 1);
        if (dup is not null)
        {
            Report(spc, path, dup.Last().Line - 1, $"duplicate mnemonic {dup.Key}");
            return;
        }
        spc.AddSource("Op.g.cs", SourceText.From(Emit(rows), Encoding.UTF8));
    }

    static void Report(SourceProductionContext spc, string path, int line, string message) =>
        spc.ReportDiagnostic(Diagnostic.Create(BadRow,
            Location.Create(path, default, new LinePositionSpan(new LinePosition(line, 0), new LinePosition(line, 0))),
            $"{path}:{line + 1}: {message}"));

    static Row ParseRow(string[] cols, int line)
    {
        if (cols.Length != 5) throw new FormatException("expected: mnemonic format signature ctrl flags");
        var r = new Row { Line = line, Mnemonic = cols[0], Name = PascalCase(cols[0]), Format = cols[1] };
        string sig = cols[2];
        int arrow = sig.IndexOf("->", StringComparison.Ordinal);
        if (arrow < 0) throw new FormatException($"signature '{sig}' has no '->'");
        r.Params = SplitTypes(sig.Substring(0, arrow), out r.VarArgs);
        r.Results = SplitTypes(sig.Substring(arrow + 2), out r.VarResults);
        if (Array.IndexOf(s_ctrlClasses, cols[3]) < 0) throw new FormatException($"unknown controlling type class '{cols[3]}'");
        r.Ctrl = cols[3];
        bool usesT = r.Params.Contains("T") || r.Results.Contains("T");
        if (usesT && r.Ctrl == "-") throw new FormatException("the signature uses T but the row has no controlling type class");
        foreach (var res in r.Results)
            if (res is "int" or "float" or "any") throw new FormatException($"a result type must be T or concrete, not '{res}'");
        if (cols[4] != "-")
        {
            r.Flags = cols[4].Split(',');
            foreach (var f in r.Flags)
                if (!s_flags.ContainsKey(f)) throw new FormatException($"unknown flag '{f}'");
        }
        return r;
    }

    static string[] SplitTypes(string s, out bool variadic)
    {
        variadic = false;
        if (s.Length == 0) return Array.Empty<string>();
        var parts = s.Split(',').ToList();
        if (parts[parts.Count - 1] == "...")
        {
            variadic = true;
            parts.RemoveAt(parts.Count - 1);
        }
        foreach (var p in parts)
            if (Array.IndexOf(s_typeSymbols, p) < 0) throw new FormatException($"unknown signature type '{p}'");
        return parts.ToArray();
    }

    /// <summary>fcvt_to_sint_sat → FcvtToSintSat.</summary>
    static string PascalCase(string s)
    {
        var sb = new StringBuilder();
        foreach (var part in s.Split('_'))
            if (part.Length > 0) sb.Append(char.ToUpperInvariant(part[0])).Append(part, 1, part.Length - 1);
        return sb.ToString();
    }

    static string Constraint(string symbol) => symbol switch
    {
        "T" => "Ctrl", "-" => "None", _ => PascalCase(symbol),
    };

    static string Emit(List<Row> rows)
    {
        var sb = new StringBuilder();
        sb.AppendLine("// <auto-generated> from Ir/irops.def by Engine.Optimizing.Generators. Do not edit. </auto-generated>");
        sb.AppendLine("#nullable enable");
        sb.AppendLine("namespace Hoist.Optimizing.Ir;");
        sb.AppendLine();
        sb.AppendLine("/// <summary>Every IR opcode, dense and in the order of irops.def.</summary>");
        sb.AppendLine("public enum Op : ushort");
        sb.AppendLine("{");
        for (int i = 0; i < rows.Count; i++)
            sb.AppendLine($"    /// <summary><c>{rows[i].Mnemonic}</c> ({rows[i].Format})</summary>\n    {rows[i].Name} = {i},");
        sb.AppendLine("}");
        sb.AppendLine();
        sb.AppendLine("public static partial class OpInfo");
        sb.AppendLine("{");
        sb.AppendLine($"    /// <summary>The number of IR opcodes.</summary>\n    public const int Count = {rows.Count};");
        EmitArray(sb, "string", "s_mnemonic", rows.Select(r => "\"" + r.Mnemonic + "\""));
        // The tables the compiler reads per instruction are constant data (ReadOnlySpan<byte> over the assembly's
        // own bytes): no static constructor and no class-initialization check, which ReadyToRun code would
        // otherwise pay on every read of a static readonly array.
        EmitData(sb, "byte", "s_format", rows.Select(r => "(byte)InstFormat." + r.Format));
        EmitData(sb, "byte", "s_ctrl", rows.Select(r => "(byte)TypeConstraint." + Constraint(r.Ctrl)));
        EmitData(sb, "byte", "s_flags", rows.Select(r =>
            r.Flags.Length == 0 ? "(byte)OpFlags.None" : "(byte)(" + string.Join(" | ", r.Flags.Select(f => "OpFlags." + s_flags[f])) + ")"));
        var pool = new List<string>();
        var starts = new List<string>(); var pc = new List<string>(); var rc = new List<string>(); var vars = new List<string>();
        foreach (var r in rows)
        {
            starts.Add(pool.Count.ToString(CultureInfo.InvariantCulture));
            pool.AddRange(r.Params.Select(p => "TypeConstraint." + Constraint(p)));
            pool.AddRange(r.Results.Select(p => "TypeConstraint." + Constraint(p)));
            pc.Add(r.Params.Length.ToString(CultureInfo.InvariantCulture));
            rc.Add(r.Results.Length.ToString(CultureInfo.InvariantCulture));
            vars.Add(((r.VarArgs ? 1 : 0) | (r.VarResults ? 2 : 0)).ToString(CultureInfo.InvariantCulture));
        }
        EmitData(sb, "byte", "s_sigPool", pool.Select(p => "(byte)" + p));
        EmitData(sb, "short", "s_sigStart", starts);
        EmitData(sb, "byte", "s_paramCount", pc);
        EmitData(sb, "byte", "s_resultCount", rc);
        EmitData(sb, "byte", "s_variadic", vars);
        sb.AppendLine("}");
        return sb.ToString();
    }

    /// <summary>A constant table: a <c>ReadOnlySpan</c> property over data stored in the assembly.</summary>
    static void EmitData(StringBuilder sb, string type, string name, IEnumerable<string> items)
    {
        sb.Append($"    static ReadOnlySpan<{type}> {name} => new {type}[] {{");
        int n = 0;
        foreach (var item in items)
        {
            if (n++ % 8 == 0) sb.Append("\n        ");
            sb.Append(item).Append(", ");
        }
        sb.AppendLine("\n    };");
    }

    static void EmitArray(StringBuilder sb, string type, string name, IEnumerable<string> items)
    {
        sb.Append($"    static readonly {type}[] {name} = {{");
        int n = 0;
        foreach (var item in items)
        {
            if (n++ % 8 == 0) sb.Append("\n        ");
            sb.Append(item).Append(", ");
        }
        sb.AppendLine("\n    };");
    }
}

using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace Hoist.Generators;

/// <summary>
/// Turns <c>Wasm/opcodes.def</c> (the single source of truth for instructions) into the
/// <c>Opcode</c> enum and the <c>OpcodeInfo</c> tables. The file format is documented at its top.
/// Malformed rows are reported as compiler errors (HOIST001) with the row's line number.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class OpcodeTableGenerator : IIncrementalGenerator
{
    static readonly DiagnosticDescriptor BadRow = new(
        "HOIST001", "Malformed opcode table row", "{0}", "Hoist.Generators", DiagnosticSeverity.Error, true);

    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var files = context.AdditionalTextsProvider
            .Where(static f => f.Path.EndsWith("opcodes.def", StringComparison.OrdinalIgnoreCase))
            .Select(static (f, ct) => (f.Path, Text: f.GetText(ct)?.ToString() ?? ""));
        context.RegisterSourceOutput(files, static (spc, file) => Generate(spc, file.Path, file.Text));
    }

    sealed class Row
    {
        public int Line;
        public byte Prefix;
        public uint Code;
        public string Mnemonic = "";
        public string Name = "";
        public string Imm = "";
        public int AlignLog2 = -1;
        public string[]? Params;
        public string[]? Results;
        public string Feature = "";
        public bool Const;
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
                spc.ReportDiagnostic(Diagnostic.Create(BadRow, Location.Create(path, default, new LinePositionSpan(new LinePosition(i, 0), new LinePosition(i, 0))), $"{path}:{i + 1}: {e.Message}"));
                return;
            }
        }
        var dupNames = rows.GroupBy(r => r.Name).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        var dupCodes = rows.GroupBy(r => (r.Prefix, r.Code)).Where(g => g.Count() > 1).Select(g => g.First()).ToList();
        if (dupNames.Count > 0 || dupCodes.Count > 0)
        {
            string msg = dupNames.Count > 0 ? $"duplicate enum name {dupNames[0]} (give one row name=...)" : $"duplicate encoding at line {dupCodes[0].Line}";
            spc.ReportDiagnostic(Diagnostic.Create(BadRow, Location.None, $"{path}: {msg}"));
            return;
        }
        spc.AddSource("Opcode.g.cs", SourceText.From(Emit(rows), Encoding.UTF8));
    }

    static Row ParseRow(string[] cols, int line)
    {
        if (cols.Length < 6) throw new FormatException("expected: prefix code mnemonic immediates signature feature [flags]");
        var r = new Row { Line = line };
        r.Prefix = cols[0] == "-" ? (byte)0 : ParseByte(cols[0]);
        r.Code = ParseHex(cols[1]);
        r.Mnemonic = cols[2];
        r.Name = PascalCase(cols[2]);
        string imm = cols[3];
        if (imm == "-") imm = "none";
        int colon = imm.IndexOf(':');
        if (colon >= 0)
        {
            int bytes = int.Parse(imm.Substring(colon + 1), CultureInfo.InvariantCulture);
            r.AlignLog2 = bytes switch { 1 => 0, 2 => 1, 4 => 2, 8 => 3, 16 => 4, _ => throw new FormatException($"natural alignment {bytes} is not a power of two up to 16") };
            imm = imm.Substring(0, colon);
        }
        r.Imm = PascalCase(imm);
        string sig = cols[4];
        if (sig != "*")
        {
            int arrow = sig.IndexOf("->", StringComparison.Ordinal);
            if (arrow < 0) throw new FormatException($"signature '{sig}' has no '->'");
            r.Params = SplitTypes(sig.Substring(0, arrow));
            r.Results = SplitTypes(sig.Substring(arrow + 2));
        }
        r.Feature = PascalCase(cols[5]);
        for (int i = 6; i < cols.Length; i++)
        {
            if (cols[i] == "const") r.Const = true;
            else if (cols[i].StartsWith("name=", StringComparison.Ordinal)) r.Name = cols[i].Substring(5);
            else throw new FormatException($"unknown flag '{cols[i]}'");
        }
        return r;
    }

    static string[] SplitTypes(string s)
    {
        if (s.Length == 0) return Array.Empty<string>();
        var parts = s.Split(',');
        foreach (var p in parts)
            if (p is not ("i32" or "i64" or "f32" or "f64" or "v128" or "a")) throw new FormatException($"unknown signature type '{p}'");
        return parts.Select(p => p == "a" ? "Addr" : PascalCase(p)).ToArray();
    }

    static byte ParseByte(string s) => checked((byte)ParseHex(s));
    static uint ParseHex(string s) =>
        s.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? uint.Parse(s.Substring(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture)
            : throw new FormatException($"'{s}' is not a 0x-prefixed hex number");

    /// <summary>i32.trunc_sat_f32_s → I32TruncSatF32S; i8x16.extract_lane_s → I8x16ExtractLaneS.</summary>
    static string PascalCase(string s)
    {
        var sb = new StringBuilder();
        foreach (var part in s.Split('.', '_'))
            if (part.Length > 0) sb.Append(char.ToUpperInvariant(part[0])).Append(part, 1, part.Length - 1);
        return sb.ToString();
    }

    static string Emit(List<Row> rows)
    {
        var sb = new StringBuilder();
        sb.AppendLine("// <auto-generated> from Wasm/opcodes.def by Engine.Common.Generators. Do not edit. </auto-generated>");
        sb.AppendLine("#nullable enable");
        sb.AppendLine("namespace Hoist.Wasm;");
        sb.AppendLine();
        sb.AppendLine("/// <summary>Every instruction Hoist knows, dense and in the order of opcodes.def.</summary>");
        sb.AppendLine("public enum Opcode : ushort");
        sb.AppendLine("{");
        for (int i = 0; i < rows.Count; i++)
            sb.AppendLine($"    /// <summary><c>{rows[i].Mnemonic}</c> ({(rows[i].Prefix != 0 ? $"0x{rows[i].Prefix:X2} " : "")}0x{rows[i].Code:X2})</summary>\n    {rows[i].Name} = {i},");
        sb.AppendLine("}");
        sb.AppendLine();
        sb.AppendLine("public static partial class OpcodeInfo");
        sb.AppendLine("{");
        sb.AppendLine($"    /// <summary>The number of opcodes in the table.</summary>\n    public const int Count = {rows.Count};");
        EmitArray(sb, "byte", "s_prefix", rows.Select(r => $"0x{r.Prefix:X2}"));
        EmitArray(sb, "uint", "s_code", rows.Select(r => $"0x{r.Code:X2}"));
        EmitArray(sb, "string", "s_mnemonic", rows.Select(r => "\"" + r.Mnemonic + "\""));
        EmitArray(sb, "ImmediateKind", "s_immediates", rows.Select(r => "ImmediateKind." + r.Imm));
        EmitArray(sb, "sbyte", "s_alignLog2", rows.Select(r => r.AlignLog2.ToString(CultureInfo.InvariantCulture)));
        EmitArray(sb, "Feature", "s_feature", rows.Select(r => "Feature." + r.Feature));
        EmitArray(sb, "bool", "s_const", rows.Select(r => r.Const ? "true" : "false"));

        // Fixed signatures: one shared pool of SigType; per opcode the start, param count and result count.
        var pool = new List<string>();
        var starts = new List<string>(); var pc = new List<string>(); var rc = new List<string>();
        foreach (var r in rows)
        {
            if (r.Params is null) { starts.Add("-1"); pc.Add("0"); rc.Add("0"); continue; }
            starts.Add(pool.Count.ToString(CultureInfo.InvariantCulture));
            pool.AddRange(r.Params.Select(p => "SigType." + p));
            pool.AddRange(r.Results!.Select(p => "SigType." + p));
            pc.Add(r.Params.Length.ToString(CultureInfo.InvariantCulture));
            rc.Add(r.Results!.Length.ToString(CultureInfo.InvariantCulture));
        }
        EmitArray(sb, "SigType", "s_sigPool", pool);
        EmitArray(sb, "short", "s_sigStart", starts);
        EmitArray(sb, "byte", "s_sigParams", pc);
        EmitArray(sb, "byte", "s_sigResults", rc);

        // Binary decode maps: 0xFFFF marks an unassigned encoding.
        foreach (byte prefix in new byte[] { 0, 0xFB, 0xFC, 0xFD, 0xFE })
        {
            var these = rows.Select((r, i) => (r, i)).Where(x => x.r.Prefix == prefix).ToList();
            int size = prefix == 0 ? 256 : (int)these.Max(x => x.r.Code) + 1;
            var map = Enumerable.Repeat("0xFFFF", size).ToArray();
            foreach (var (r, i) in these) map[r.Code] = i.ToString(CultureInfo.InvariantCulture);
            EmitArray(sb, "ushort", prefix == 0 ? "s_decodeSingle" : $"s_decode{prefix:X2}", map);
        }
        sb.AppendLine("}");
        return sb.ToString();
    }

    static void EmitArray(StringBuilder sb, string type, string name, IEnumerable<string> items)
    {
        sb.Append($"    static readonly {type}[] {name} = {{");
        int n = 0;
        foreach (var item in items)
        {
            if (n++ % 16 == 0) sb.Append("\n        ");
            sb.Append(item).Append(", ");
        }
        sb.AppendLine("\n    };");
    }
}

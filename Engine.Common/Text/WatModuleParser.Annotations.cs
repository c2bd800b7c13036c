using Hoist.Wasm.Binary;

namespace Hoist.Wasm.Text;

/// <summary>
/// The annotations a module gives meaning to (all others are ignored):
/// <list type="bullet">
/// <item><c>(@custom "name" (before|after section)? "data"*)</c> between module fields: a custom section;</item>
/// <item><c>(@name "text")</c> before the first field (the module's name) or right after a <c>func</c> or
///   <c>tag</c> keyword and its id: the name recorded in the name section;</item>
/// <item><c>(@metadata.code.branch_hint "..")</c>: only checked to stand inside a function, once per instruction.</item>
/// </list>
/// </summary>
internal sealed partial class WatModuleParser
{
    IReadOnlyList<WatAnnotation> _annotations = [];
    /// <summary>Token index of each module field's <c>(</c>, in order (from pass 1).</summary>
    readonly List<int> _fieldStarts = new();
    /// <summary>Function index defined by the <c>func</c> keyword at a token index (from pass 1).</summary>
    readonly Dictionary<int, uint> _funcKeywords = new();

    /// <summary>The binary order of the known sections, for placing custom sections.</summary>
    static readonly byte[] s_sectionOrder = [1, 2, 3, 4, 5, 13, 6, 7, 8, 9, 12, 10, 11];

    void ProcessAnnotations()
    {
        bool moduleNamed = false;
        int lastBranchHint = -1;
        int firstField = _fieldStarts.Count > 0 ? _fieldStarts[0] : _end;
        foreach (var a in _annotations)
        {
            if (a.NextToken < _start || a.NextToken > _end) continue;
            bool atField = a.NextToken == _end || _fieldStarts.BinarySearch(a.NextToken) >= 0;
            switch (a.Id)
            {
                case "custom":
                    if (!atField) throw AnnotationError(a, "misplaced @custom annotation");
                    _m.CustomSections.Add(ParseCustomAnnotation(a));
                    break;
                case "name":
                {
                    string name = ParseNameAnnotation(a);
                    if (a.NextToken == firstField)
                    {
                        if (moduleNamed) throw AnnotationError(a, "@name annotation: multiple module");
                        moduleNamed = true;
                        _names.ModuleName = name;
                    }
                    else if (DefinitionKeywordBefore(a.NextToken) is int keyword)
                    {
                        if (_funcKeywords.TryGetValue(keyword, out uint func)) _names.FunctionNames[func] = name;
                    }
                    else throw AnnotationError(a, "misplaced @name annotation");
                    break;
                }
                case "metadata.code.branch_hint":
                    if (atField) throw AnnotationError(a, "@metadata.code.branch_hint annotation: not in a function");
                    if (a.NextToken == lastBranchHint) throw AnnotationError(a, "@metadata.code.branch_hint annotation: duplicate annotation");
                    lastBranchHint = a.NextToken;
                    break;
            }
        }
    }

    /// <summary>
    /// If token <paramref name="next"/> follows <c>(func</c> or <c>(tag</c> (and its id), the keyword's index.
    /// </summary>
    int? DefinitionKeywordBefore(int next)
    {
        int k = next - 1;
        if (k > _start && T.KindAt(k) == TokenKind.Id) k--;
        if (k < _start + 1 || T.KindAt(k) != TokenKind.Keyword || T.KindAt(k - 1) != TokenKind.LParen) return null;
        return T.IsKeyword(k, "func") || T.IsKeyword(k, "tag") ? k : null;
    }

    MalformedException AnnotationError(WatAnnotation a, string message) => new(message, T.LocationOfOffset(a.Start));

    WatTokens AnnotationContents(WatAnnotation a) =>
        WatLexer.Tokenize(T.Source.Substring(a.ContentStart, a.End - 1 - a.ContentStart), T.File);

    string ParseNameAnnotation(WatAnnotation a)
    {
        var t = AnnotationContents(a);
        if (t.KindAt(0) != TokenKind.String || t.KindAt(1) != TokenKind.Eof) throw AnnotationError(a, "@name annotation: unexpected token");
        return WatStrings.Utf8ToString(t.StringBytes(0)) ?? throw AnnotationError(a, "@name annotation: malformed UTF-8 encoding");
    }

    CustomSection ParseCustomAnnotation(WatAnnotation a)
    {
        var t = AnnotationContents(a);
        if (t.KindAt(0) != TokenKind.String) throw AnnotationError(a, "@custom annotation: missing section name");
        string name = WatStrings.Utf8ToString(t.StringBytes(0)) ?? throw AnnotationError(a, "@custom annotation: malformed UTF-8 encoding");
        int i = 1;
        byte after = s_sectionOrder[^1];
        if (t.KindAt(i) == TokenKind.LParen)
        {
            bool before = t.IsKeyword(i + 1, "before");
            if (!before && !t.IsKeyword(i + 1, "after")) throw AnnotationError(a, "@custom annotation: malformed placement");
            var section = t.KindAt(i + 2) == TokenKind.Keyword ? t.Text(i + 2) : default;
            int position = section switch
            {
                "first" when before => -1,
                "last" when !before => s_sectionOrder.Length - 1,
                _ => SectionPosition(section) is int p ? (before ? p - 1 : p) : throw AnnotationError(a, "@custom annotation: malformed section kind"),
            };
            if (t.KindAt(i + 3) != TokenKind.RParen) throw AnnotationError(a, "@custom annotation: malformed placement");
            after = position < 0 ? (byte)0 : s_sectionOrder[position];
            i += 4;
        }
        var data = new WasmWriter(64);
        while (t.KindAt(i) == TokenKind.String) t.AppendStringBytes(i++, data);
        if (t.KindAt(i) != TokenKind.Eof) throw AnnotationError(a, "@custom annotation: unexpected token");
        return new CustomSection(name, data.ToArray(), after);
    }

    static int? SectionPosition(ReadOnlySpan<char> keyword)
    {
        byte id = keyword switch
        {
            "type" => 1, "import" => 2, "func" => 3, "table" => 4, "memory" => 5, "global" => 6, "export" => 7,
            "start" => 8, "elem" => 9, "code" => 10, "data" => 11, "datacount" => 12, "tag" => 13,
            _ => 0,
        };
        return id == 0 ? null : Array.IndexOf(s_sectionOrder, id);
    }
}

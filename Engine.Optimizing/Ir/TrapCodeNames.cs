using System.Text;
using Hoist.Vm;

namespace Hoist.Optimizing.Ir;

/// <summary>The text form of trap codes: the <see cref="TrapCode"/> member name in snake case (<c>memory_out_of_bounds</c>).</summary>
public static class TrapCodeNames
{
    static readonly string[] s_names = Build();
    static readonly Dictionary<string, TrapCode> s_byName = Enumerable.Range(0, s_names.Length)
        .ToDictionary(i => s_names[i], i => (TrapCode)i, StringComparer.Ordinal);

    static string[] Build()
    {
        var names = new string[TrapCodes.Count];
        for (int i = 0; i < names.Length; i++)
        {
            string pascal = ((TrapCode)i).ToString();
            var sb = new StringBuilder();
            for (int c = 0; c < pascal.Length; c++)
            {
                if (char.IsUpper(pascal[c]) && c > 0) sb.Append('_');
                sb.Append(char.ToLowerInvariant(pascal[c]));
            }
            names[i] = sb.ToString();
        }
        return names;
    }

    public static string Name(TrapCode code) => (int)code < s_names.Length ? s_names[(int)code] : ((int)code).ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static bool TryParse(string name, out TrapCode code) => s_byName.TryGetValue(name, out code);
}

using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;

namespace LlamaOrch.Bdd.Runner;

/// <summary>Every [Step] method of the given classes, and the lookup of a step's text among them.</summary>
internal sealed partial class StepRegistry
{
    private readonly List<StepBinding> _bindings;

    public StepRegistry(IEnumerable<Type> stepClasses)
    {
        _bindings =
        [
            .. from type in stepClasses
               from method in type.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly)
               from attribute in method.GetCustomAttributes<StepAttribute>()
               select new StepBinding(attribute, method),
        ];
    }

    /// <summary>The step classes of an assembly: those with at least one [Step] method.</summary>
    public static StepRegistry FromAssembly(Assembly assembly, string? inNamespace = null) =>
        new(assembly.GetTypes().Where(t =>
            (inNamespace is null || t.Namespace == inNamespace) &&
            t.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly)
                .Any(m => m.GetCustomAttributes<StepAttribute>().Any())));

    public int Count => _bindings.Count;

    /// <summary>The bindings whose pattern matches <paramref name="text"/> in full (none: undefined; several: ambiguous).</summary>
    public IReadOnlyList<(StepBinding Binding, Match Match)> Find(string text) =>
        [.. _bindings.Select(b => (Binding: b, Match: b.Match(text))).Where(p => p.Match.Success)];

    /// <summary>
    /// A definition to paste for an undefined step: quoted strings and numbers become captures, the rest is
    /// escaped literally.
    /// </summary>
    public static string Suggest(string keyword, string text, object? argument)
    {
        var pattern = new StringBuilder();
        var parameters = new List<string>();
        var last = 0;
        foreach (Match m in Placeholder().Matches(text))
        {
            pattern.Append(Regex.Escape(text[last..m.Index]));
            if (m.Groups["quoted"].Success)
            {
                pattern.Append("\"([^\"]*)\"");
                parameters.Add($"string p{parameters.Count}");
            }
            else
            {
                pattern.Append(@"(\d+)");
                parameters.Add($"int p{parameters.Count}");
            }
            last = m.Index + m.Length;
        }
        pattern.Append(Regex.Escape(text[last..]));
        if (argument is StepTable) parameters.Add("StepTable table");
        else if (argument is string) parameters.Add("string docString");
        var verbatim = pattern.ToString().Replace("\"", "\"\"");
        var name = MethodName(keyword, text);
        return $"[Step(@\"{verbatim}\")]\npublic async Task {name}({string.Join(", ", parameters)})\n{{\n    throw new NotImplementedException();\n}}";
    }

    private static string MethodName(string keyword, string text)
    {
        var words = Word().Matches(Placeholder().Replace(text, " "))
            .Select(w => char.ToUpperInvariant(w.Value[0]) + w.Value[1..]);
        return keyword.Trim().TrimEnd('*') switch { "" => "Step", var k => char.ToUpperInvariant(k[0]) + k[1..] } + string.Concat(words);
    }

    [GeneratedRegex("\"(?<quoted>[^\"]*)\"|(?<![\\w.])\\d+(?![\\w.])")]
    private static partial Regex Placeholder();

    [GeneratedRegex("[A-Za-z0-9]+")]
    private static partial Regex Word();
}

using System.Globalization;
using System.Text;

namespace LlamaOrch.Core.Chat;

/// <summary>
/// The rules of a GBNF grammar under construction: unique names, identical bodies shared, the <c>root</c> rule written
/// first and the others in the order they were made, so the same input always gives the same text.
/// </summary>
internal sealed class GbnfRules
{
    /// <summary>llama.cpp expands <c>x{m,n}</c> into about n rules; larger bounds are refused, not silently widened.</summary>
    public const int MaxRepetition = 2048;

    /// <summary>The largest grammar text we hand to an engine (every token's sampling walks its stacks).</summary>
    public const int MaxGrammarLength = Admission.TaskRequestValidator.MaxGrammarChars;

    private readonly List<(string Name, string? Body)> _rules = [];
    private readonly Dictionary<string, string> _byBody = new(StringComparer.Ordinal);
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private string? _root;

    /// <summary>A rule with <paramref name="body"/>, named from <paramref name="hint"/>; an existing rule with the same body is reused.</summary>
    public string Add(string hint, string body)
    {
        if (_byBody.TryGetValue(body, out var existing)) return existing;
        var name = Reserve(hint);
        Define(name, body);
        _byBody[body] = name;
        return name;
    }

    /// <summary>A unique name for a rule whose body is not known yet (a <c>$ref</c> that may refer to itself).</summary>
    public string Reserve(string hint)
    {
        var stem = Sanitize(hint);
        var name = stem;
        for (var i = 2; name == "root" || !_names.Add(name); i++) name = stem + "-" + i.ToString(CultureInfo.InvariantCulture);
        _rules.Add((name, null));
        return name;
    }

    public void Define(string name, string body)
    {
        var index = _rules.FindIndex(r => r.Name == name);
        _rules[index] = (name, body);
    }

    public void SetRoot(string body) => _root = body;

    public string Build()
    {
        var text = new StringBuilder();
        text.Append("root ::= ").Append(_root ?? throw new InvalidOperationException("no root rule")).Append('\n');
        foreach (var (name, body) in _rules)
        {
            text.Append(name).Append(" ::= ").Append(body ?? throw new InvalidOperationException($"rule {name} was never defined")).Append('\n');
        }

        if (text.Length > MaxGrammarLength)
        {
            throw new JsonSchemaGrammarException(
                $"the schema needs a grammar of {text.Length} characters, more than the {MaxGrammarLength} allowed; simplify the schema");
        }
        return text.ToString();
    }

    /// <summary>A GBNF string literal matching exactly <paramref name="text"/>.</summary>
    public static string Literal(string text)
    {
        var literal = new StringBuilder(text.Length + 2).Append('"');
        foreach (var c in text)
        {
            switch (c)
            {
                case '"': literal.Append("\\\""); break;
                case '\\': literal.Append("\\\\"); break;
                case '\n': literal.Append("\\n"); break;
                case '\r': literal.Append("\\r"); break;
                case '\t': literal.Append("\\t"); break;
                case < ' ': literal.Append("\\x").Append(((int)c).ToString("X2", CultureInfo.InvariantCulture)); break;
                default: literal.Append(c); break;
            }
        }
        return literal.Append('"').ToString();
    }

    /// <summary><c>{m,n}</c> (or <c>{m,}</c> when <paramref name="max"/> is null) after <paramref name="item"/>, in the shortest form.</summary>
    public static string Repeat(string item, int min, int? max) => (min, max) switch
    {
        (0, null) => item + "*",
        (1, null) => item + "+",
        (0, 1) => item + "?",
        (1, 1) => item,
        (_, null) => $"{item}{{{min},}}",
        var (m, n) when m == n => $"{item}{{{m}}}",
        _ => $"{item}{{{min},{max}}}",
    };

    private static string Sanitize(string hint)
    {
        var name = new StringBuilder(hint.Length);
        foreach (var c in hint)
        {
            if (char.IsAsciiLetterOrDigit(c)) name.Append(char.ToLowerInvariant(c));
            else if (name.Length > 0 && name[^1] != '-') name.Append('-');
        }
        var text = name.ToString().Trim('-');
        if (text.Length > 48) text = text[..48].TrimEnd('-');
        return text.Length == 0 ? "r" : text;
    }
}

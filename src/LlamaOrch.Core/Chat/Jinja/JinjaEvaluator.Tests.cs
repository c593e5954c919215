namespace LlamaOrch.Core.Chat.Jinja;

internal sealed partial class JinjaEvaluator
{
    private static bool ApplyTest(string name, object? value, List<object?> args)
    {
        object? Arg() => args.Count > 0 ? args[0] : throw new ChatTemplateException($"chat template error: test '{name}' needs an argument");
        return name switch
        {
            "defined" => value is not JinjaUndefined,
            "undefined" => value is JinjaUndefined,
            "none" => value is null,
            "string" => value is string,
            "mapping" => value is Dictionary<string, object?> or JinjaNamespace,
            "iterable" => value is string or List<object?> or Dictionary<string, object?>,
            "sequence" => value is string or List<object?> or Dictionary<string, object?>,
            "number" => value is long or double,
            "integer" => value is long,
            "float" => value is double,
            "boolean" => value is bool,
            "true" => value is true,
            "false" => value is false,
            "callable" => value is JinjaCallable,
            "equalto" or "eq" or "==" => JinjaValues.AreEqual(value, Arg()),
            "ne" or "!=" => !JinjaValues.AreEqual(value, Arg()),
            "sameas" => value is bool or null ? JinjaValues.AreEqual(value, Arg()) && Arg() is bool or null : ReferenceEquals(value, Arg()),
            "gt" or "greaterthan" or ">" => JinjaValues.Compare(value, Arg()) > 0,
            "ge" or ">=" => JinjaValues.Compare(value, Arg()) >= 0,
            "lt" or "lessthan" or "<" => JinjaValues.Compare(value, Arg()) < 0,
            "le" or "<=" => JinjaValues.Compare(value, Arg()) <= 0,
            "in" => JinjaValues.Contains(Arg(), value),
            "odd" => JinjaValues.ToLong(value) % 2 != 0,
            "even" => JinjaValues.ToLong(value) % 2 == 0,
            "divisibleby" => JinjaValues.ToLong(Arg()) is var d && d != 0 && JinjaValues.ToLong(value) % d == 0,
            "lower" => value is string lower && lower == lower.ToLowerInvariant(),
            "upper" => value is string upper && upper == upper.ToUpperInvariant(),
            _ => throw new ChatTemplateException($"chat template error: unknown test '{name}'"),
        };
    }
}

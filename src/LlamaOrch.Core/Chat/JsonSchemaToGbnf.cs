using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace LlamaOrch.Core.Chat;

/// <summary>
/// Turns one JSON Schema document into GBNF rules in a shared <see cref="GbnfRules"/> (so several schemas, such as
/// the tools of one request, can share one grammar). Whitespace between tokens is bounded (one space, or a newline
/// and up to 20 spaces or tabs), so a model cannot ramble in blanks; values themselves carry no surrounding blanks.
/// </summary>
internal sealed class JsonSchemaToGbnf(GbnfRules rules, JsonElement document, string prefix)
{
    // Keywords that describe without constraining.
    private static readonly HashSet<string> Annotations = new(StringComparer.Ordinal)
    {
        "title", "description", "examples", "example", "default", "$schema", "$id", "$comment", "$defs", "definitions",
        "deprecated", "readOnly", "writeOnly", "format", "contentMediaType", "contentEncoding",
    };

    // Keywords this converter turns into rules.
    private static readonly HashSet<string> Handled = new(StringComparer.Ordinal)
    {
        "type", "properties", "required", "additionalProperties", "enum", "const", "items", "minItems", "maxItems",
        "anyOf", "oneOf", "allOf", "$ref", "minLength", "maxLength",
    };

    private const string JsonStringChar = """[^"\\\x7F\x00-\x1F] | "\\" (["\\/bfnrt] | "u" [0-9a-fA-F]{4})""";

    private static readonly JavaScriptEncoder KeyEncoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;

    private readonly Dictionary<string, string> _refs = new(StringComparer.Ordinal);
    private int _depth;

    /// <summary>The rule expression for the values <paramref name="schema"/> (at JSON Pointer <paramref name="path"/>) accepts.</summary>
    public string Visit(JsonElement schema, string path, string hint)
    {
        if (++_depth > 64)
        {
            throw new JsonSchemaGrammarException($"the schema at {path} nests more than 64 levels deep (outside $ref)");
        }
        try
        {
            return VisitCore(schema, path, hint);
        }
        finally
        {
            _depth--;
        }
    }

    public static string Ws(GbnfRules rules) => rules.Add("ws", """( " " | "\n" [ \t]{0,20} )?""");

    private string Ws() => Ws(rules);

    public static string AnyValue(GbnfRules rules)
    {
        // Reserved first: value, object and array refer to one another.
        var value = rules.Reserve("value");
        var ws = Ws(rules);
        var str = StringRule(rules);
        var member = rules.Add("member", $"{str} {ws} \":\" {ws} {value}");
        var obj = rules.Add("object", $"\"{{\" {ws} ( {member} ( {ws} \",\" {ws} {member} )* {ws} )? \"}}\"");
        var arr = rules.Add("array", $"\"[\" {ws} ( {value} ( {ws} \",\" {ws} {value} )* {ws} )? \"]\"");
        rules.Define(value, $"{obj} | {arr} | {str} | {NumberRule(rules)} | {BooleanRule(rules)} | {NullRule(rules)}");
        return value;
    }

    public static string AnyObject(GbnfRules rules)
    {
        AnyValue(rules);
        return "object";
    }

    private string VisitCore(JsonElement schema, string path, string hint)
    {
        if (schema.ValueKind == JsonValueKind.True) return AnyValue(rules);
        if (schema.ValueKind == JsonValueKind.False)
        {
            throw new JsonSchemaGrammarException($"the schema at {path} is false: no value satisfies it");
        }
        if (schema.ValueKind != JsonValueKind.Object)
        {
            throw new JsonSchemaGrammarException($"the schema at {path} must be an object or a boolean, not {Kind(schema)}");
        }

        foreach (var property in schema.EnumerateObject())
        {
            if (!Annotations.Contains(property.Name) && !Handled.Contains(property.Name))
            {
                throw new JsonSchemaGrammarException(
                    $"the JSON Schema keyword '{property.Name}' at {path} is not supported for constrained output" +
                    (property.Name == "pattern" ? " (regular expressions cannot be converted to a grammar safely)" : ""));
            }
        }

        if (schema.TryGetProperty("$ref", out var reference))
        {
            if (schema.EnumerateObject().Any(p => Handled.Contains(p.Name) && p.Name != "$ref"))
            {
                throw new JsonSchemaGrammarException($"$ref at {path} has constraining siblings, which are not supported");
            }
            return Ref(reference, path);
        }
        if (schema.TryGetProperty("const", out var constant)) return Literal(constant);
        if (schema.TryGetProperty("enum", out var values))
        {
            if (values.ValueKind != JsonValueKind.Array || values.GetArrayLength() == 0)
            {
                throw new JsonSchemaGrammarException($"enum at {path} must be a non-empty array");
            }
            return rules.Add(hint, string.Join(" | ", values.EnumerateArray().Select(Literal)));
        }
        foreach (var keyword in (ReadOnlySpan<string>)["anyOf", "oneOf"])
        {
            if (schema.TryGetProperty(keyword, out var choices))
            {
                // oneOf's "exactly one" cannot be said in a grammar; the alternatives usually exclude each other anyway.
                var alternatives = Items(choices, $"{path}/{keyword}")
                    .Select((choice, i) => Visit(choice, $"{path}/{keyword}/{i}", $"{hint}-{i}"));
                return rules.Add(hint, string.Join(" | ", alternatives));
            }
        }
        if (schema.TryGetProperty("allOf", out var all))
        {
            var parts = Items(all, $"{path}/allOf");
            if (parts.Count != 1)
            {
                throw new JsonSchemaGrammarException($"allOf at {path} has {parts.Count} schemas; only a single one is supported");
            }
            return Visit(parts[0], $"{path}/allOf/0", hint);
        }

        if (!schema.TryGetProperty("type", out var type))
        {
            if (schema.TryGetProperty("properties", out _) || schema.TryGetProperty("additionalProperties", out _)) return Object(schema, path, hint);
            if (schema.TryGetProperty("items", out _)) return Array(schema, path, hint);
            return AnyValue(rules);
        }
        if (type.ValueKind == JsonValueKind.String) return Typed(type.GetString()!, schema, path, hint);
        if (type.ValueKind == JsonValueKind.Array && type.GetArrayLength() > 0)
        {
            var alternatives = type.EnumerateArray().Select(t => t.ValueKind == JsonValueKind.String
                ? Typed(t.GetString()!, schema, path, $"{hint}-{t.GetString()}")
                : throw new JsonSchemaGrammarException($"type at {path} must list type names"));
            return rules.Add(hint, string.Join(" | ", alternatives));
        }
        throw new JsonSchemaGrammarException($"type at {path} must be a type name or a non-empty list of them");
    }

    private string Typed(string type, JsonElement schema, string path, string hint) => type switch
    {
        "object" => Object(schema, path, hint),
        "array" => Array(schema, path, hint),
        "string" => String(schema, path, hint),
        "number" => NumberRule(rules),
        "integer" => rules.Add("integer", "\"-\"? (\"0\" | [1-9] [0-9]{0,15})"),
        "boolean" => BooleanRule(rules),
        "null" => NullRule(rules),
        _ => throw new JsonSchemaGrammarException($"type '{type}' at {path} is not a JSON Schema type"),
    };

    private string Object(JsonElement schema, string path, string hint)
    {
        var ws = Ws();
        var hasProperties = schema.TryGetProperty("properties", out var properties);
        if (hasProperties && properties.ValueKind != JsonValueKind.Object)
        {
            throw new JsonSchemaGrammarException($"properties at {path} must be an object");
        }

        var required = new HashSet<string>(StringComparer.Ordinal);
        if (schema.TryGetProperty("required", out var requiredList))
        {
            foreach (var name in Items(requiredList, $"{path}/required"))
            {
                if (name.ValueKind != JsonValueKind.String) throw new JsonSchemaGrammarException($"required at {path} must list property names");
                required.Add(name.GetString()!);
            }
        }

        // Extra members: by default none beside declared properties, any value without them.
        string? extra = null;
        if (schema.TryGetProperty("additionalProperties", out var additional))
        {
            if (additional.ValueKind != JsonValueKind.False)
            {
                extra = Visit(additional, $"{path}/additionalProperties", $"{hint}-additional");
            }
        }
        else if (!hasProperties)
        {
            extra = AnyValue(rules);
        }

        var requiredMembers = new List<string>();
        var optionalMembers = new List<string>();
        if (hasProperties)
        {
            foreach (var property in properties.EnumerateObject())
            {
                var value = Visit(property.Value, $"{path}/properties/{property.Name}", $"{hint}-{property.Name}");
                var member = $"{KeyLiteral(property.Name)} {ws} \":\" {ws} {value}";
                (required.Contains(property.Name) ? requiredMembers : optionalMembers).Add(member);
            }
        }
        foreach (var name in required)
        {
            if (!hasProperties || !properties.TryGetProperty(name, out _))
            {
                throw new JsonSchemaGrammarException($"required at {path} names '{name}', which is not among the properties");
            }
        }
        if (extra is not null)
        {
            // Extra keys are any string: a grammar cannot cheaply say "not one of the declared names".
            var extraMember = rules.Add($"{hint}-extra-kv", $"{StringRule(rules)} {ws} \":\" {ws} {extra}");
            optionalMembers.Add($"{extraMember} ( {ws} \",\" {ws} {extraMember} )*");
        }

        // A non-empty, in-order selection of the optional members, each once.
        string? optional = null;
        for (var i = optionalMembers.Count - 1; i >= 0; i--)
        {
            optional = optional is null
                ? rules.Add($"{hint}-opt", optionalMembers[i])
                : rules.Add($"{hint}-opt", $"{optionalMembers[i]} ( {ws} \",\" {ws} {optional} )? | {optional}");
        }

        var separator = $" {ws} \",\" {ws} ";
        string body;
        if (requiredMembers.Count > 0)
        {
            body = string.Join(separator, requiredMembers) + (optional is null ? "" : $" ( {separator} {optional} )?") + $" {ws}";
        }
        else
        {
            body = optional is null ? "" : $"( {optional} {ws} )?";
        }
        return rules.Add(hint, $"\"{{\" {ws} {body} \"}}\"".Replace("  ", " "));
    }

    private string Array(JsonElement schema, string path, string hint)
    {
        var ws = Ws();
        var item = schema.TryGetProperty("items", out var items)
            ? items.ValueKind == JsonValueKind.Array
                ? throw new JsonSchemaGrammarException($"items at {path} is a list (tuple validation), which is not supported")
                : Visit(items, $"{path}/items", $"{hint}-item")
            : AnyValue(rules);
        var min = Count(schema, "minItems", path) ?? 0;
        var max = Count(schema, "maxItems", path);
        if (max < min) throw new JsonSchemaGrammarException($"maxItems at {path} is below minItems: no array satisfies it");
        if (max == 0) return rules.Add(hint, $"\"[\" {ws} \"]\"");

        var more = GbnfRules.Repeat($"( {ws} \",\" {ws} {item} )", Math.Max(min - 1, 0), max - 1);
        var elements = min == 0 ? $"( {item} {more} {ws} )?" : $"{item} {more} {ws}";
        return rules.Add(hint, $"\"[\" {ws} {elements} \"]\"");
    }

    private string String(JsonElement schema, string path, string hint)
    {
        var min = Count(schema, "minLength", path) ?? 0;
        var max = Count(schema, "maxLength", path);
        if (max < min) throw new JsonSchemaGrammarException($"maxLength at {path} is below minLength: no string satisfies it");
        var format = schema.TryGetProperty("format", out var f) && f.ValueKind == JsonValueKind.String ? f.GetString() : null;
        if (min == 0 && max is null && FormatBody(format) is { } formatted)
        {
            return rules.Add(format!, $"\"\\\"\" {formatted} \"\\\"\"");
        }
        if (min == 0 && max is null) return StringRule(rules);
        var character = rules.Add("char", JsonStringChar);
        return rules.Add(hint, $"\"\\\"\" {GbnfRules.Repeat(character, min, max)} \"\\\"\"");
    }

    // Other formats (email, uri, …) would need a regular expression: they get a plain string.
    private static string? FormatBody(string? format)
    {
        const string date = """[0-9]{4} "-" ( "0" [1-9] | "1" [0-2] ) "-" ( "0" [1-9] | [12] [0-9] | "3" [01] )""";
        const string time = """( [01] [0-9] | "2" [0-3] ) ":" [0-5] [0-9] ":" [0-5] [0-9] ( "." [0-9]{1,9} )? ( "Z" | [+-] ( [01] [0-9] | "2" [0-3] ) ":" [0-5] [0-9] )""";
        return format switch
        {
            "date" => date,
            "time" => time,
            "date-time" => $"{date} \"T\" {time}",
            "uuid" => """[0-9a-fA-F]{8} "-" [0-9a-fA-F]{4} "-" [0-9a-fA-F]{4} "-" [0-9a-fA-F]{4} "-" [0-9a-fA-F]{12}""",
            _ => null,
        };
    }

    private string Ref(JsonElement reference, string path)
    {
        var target = reference.ValueKind == JsonValueKind.String ? reference.GetString()! : "";
        if (_refs.TryGetValue(target, out var known)) return known;

        string[] parts = target.Split('/');
        if (parts is not ["#", "$defs" or "definitions", var name] || name.Length == 0)
        {
            throw new JsonSchemaGrammarException(
                $"$ref '{target}' at {path} is not supported: only references to #/$defs/<name> or #/definitions/<name> in the same schema");
        }
        name = name.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
        if (!document.TryGetProperty(parts[1], out var definitions) || !definitions.TryGetProperty(name, out var definition))
        {
            throw new JsonSchemaGrammarException($"$ref '{target}' at {path} points to nothing in the schema");
        }

        // Named before its body is made, so a definition that refers to itself (a tree, a list) ends in a rule cycle.
        var rule = rules.Reserve($"{prefix}{name}");
        _refs[target] = rule;
        var body = Visit(definition, target.TrimStart('#'), $"{prefix}{name}-body");
        rules.Define(rule, body);
        return rule;
    }

    private static int? Count(JsonElement schema, string keyword, string path)
    {
        if (!schema.TryGetProperty(keyword, out var value)) return null;
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var count) || count < 0)
        {
            throw new JsonSchemaGrammarException($"{keyword} at {path} must be a non-negative integer");
        }
        if (count > GbnfRules.MaxRepetition)
        {
            throw new JsonSchemaGrammarException($"{keyword} {count} at {path} is above the {GbnfRules.MaxRepetition} a grammar supports");
        }
        return count;
    }

    private static List<JsonElement> Items(JsonElement array, string path) =>
        array.ValueKind == JsonValueKind.Array && array.GetArrayLength() > 0
            ? [.. array.EnumerateArray()]
            : throw new JsonSchemaGrammarException($"{path} must be a non-empty array");

    /// <summary>The literal JSON text of <paramref name="value"/>, compact.</summary>
    private static string Literal(JsonElement value)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = KeyEncoder }))
        {
            value.WriteTo(writer);
        }
        return GbnfRules.Literal(Encoding.UTF8.GetString(buffer.ToArray()));
    }

    private static string KeyLiteral(string name) => GbnfRules.Literal($"\"{JsonEncodedText.Encode(name, KeyEncoder)}\"");

    private static string StringRule(GbnfRules rules) => rules.Add("string", $"\"\\\"\" {rules.Add("char", JsonStringChar)}* \"\\\"\"");

    private static string NumberRule(GbnfRules rules) =>
        rules.Add("number", "\"-\"? (\"0\" | [1-9] [0-9]{0,15}) (\".\" [0-9]{1,16})? ([eE] [-+]? [0-9]{1,15})?");

    private static string BooleanRule(GbnfRules rules) => rules.Add("boolean", "\"true\" | \"false\"");

    private static string NullRule(GbnfRules rules) => rules.Add("null", "\"null\"");

    private static string Kind(JsonElement element) => element.ValueKind.ToString().ToLower(CultureInfo.InvariantCulture);
}

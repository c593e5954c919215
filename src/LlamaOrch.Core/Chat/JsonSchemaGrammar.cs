using System.Text.Json;

namespace LlamaOrch.Core.Chat;

/// <summary>Builds llama.cpp GBNF grammars that keep a model's output valid JSON, or valid against a JSON Schema.</summary>
/// <remarks>
/// Supported: <c>type</c> (one or a list), <c>properties</c>/<c>required</c> (required members first in declaration
/// order, then the optional ones in order), <c>additionalProperties</c> (false by default beside <c>properties</c>),
/// <c>enum</c>, <c>const</c>, <c>items</c>, <c>minItems</c>/<c>maxItems</c>, <c>anyOf</c>/<c>oneOf</c>, a single
/// <c>allOf</c>, <c>$ref</c> to <c>#/$defs/…</c> or <c>#/definitions/…</c> (cycles too), <c>minLength</c>/<c>maxLength</c>
/// and the string formats date, time, date-time and uuid. Annotations are ignored; any other keyword (<c>pattern</c>,
/// <c>minimum</c>, …) is refused, never silently dropped. docs/api-behaviour.md describes the output's shape.
/// </remarks>
public static class JsonSchemaGrammar
{
    /// <summary>A grammar for any JSON object (OpenAI's <c>response_format: json_object</c>).</summary>
    public static string AnyObject()
    {
        var rules = new GbnfRules();
        rules.SetRoot(JsonSchemaToGbnf.AnyObject(rules));
        return rules.Build();
    }

    /// <summary>A grammar for the values that <paramref name="schema"/> accepts.</summary>
    /// <exception cref="JsonSchemaGrammarException">The schema uses what the converter cannot express (the client's 400).</exception>
    public static string FromSchema(JsonElement schema)
    {
        var rules = new GbnfRules();
        rules.SetRoot(new JsonSchemaToGbnf(rules, schema, "").Visit(schema, "#", "root-value"));
        return rules.Build();
    }
}

/// <summary>A JSON Schema (or a tool's parameters schema) that cannot become a grammar; the message names the keyword and where.</summary>
public sealed class JsonSchemaGrammarException(string message) : Exception(message);

using System.Text.Json;

namespace LlamaOrch.Core.Chat;

/// <summary>Builds llama.cpp GBNF grammars that keep a model's output valid JSON, or valid against a JSON Schema.</summary>
public static class JsonSchemaGrammar
{
    /// <summary>A grammar for any JSON object (OpenAI's <c>response_format: json_object</c>).</summary>
    public static string AnyObject() => throw new NotImplementedException("chat-grammar");

    /// <summary>A grammar for the values that <paramref name="schema"/> accepts.</summary>
    /// <exception cref="JsonSchemaGrammarException">The schema uses what the converter cannot express (the client's 400).</exception>
    public static string FromSchema(JsonElement schema) => throw new NotImplementedException("chat-grammar");
}

public sealed class JsonSchemaGrammarException(string message) : Exception(message);

using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using LlamaOrch.Core.Admission;

namespace LlamaOrch.Server.Http;

/// <summary>Reads a control-plane request body; a missing or malformed one is answered with a 400 that shows the expected shape.</summary>
internal static class JsonBody
{
    /// <summary>The body, or null once the 400 has been written.</summary>
    public static async Task<T?> ReadAsync<T>(HttpContext context, JsonTypeInfo<T> type, string example) where T : class
    {
        try
        {
            if (await JsonSerializer.DeserializeAsync(context.Request.Body, type, context.RequestAborted) is { } body) return body;
        }
        catch (JsonException)
        {
            // Answered below, like an empty body.
        }
        await ErrorResponses.WriteAsync(context, Rejection.InvalidParams("body", $"malformed or missing JSON; send {example}"));
        return null;
    }
}

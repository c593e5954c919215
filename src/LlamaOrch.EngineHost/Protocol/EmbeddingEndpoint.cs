using System.Text.Json;
using LlamaOrch.EngineHost.Generation;
using LlamaOrch.EngineProtocol.Wire;

namespace LlamaOrch.EngineHost.Protocol;

/// <summary>
/// <c>POST /embedding</c> {content: text or [texts]}: one pooled, L2-normalised vector per text, as
/// llama-server answers when started with <c>--embedding</c>; 501 from an engine started without it.
/// </summary>
internal sealed class EmbeddingEndpoint(ModelHost models)
{
    public async Task HandleAsync(HttpContext context)
    {
        if (models.Model is not IEmbeddingModel model || !model.CanEmbed)
        {
            await ProtocolErrors.WriteNotSupportedAsync(context, "This server does not support embeddings. Start it with `--embedding`");
            return;
        }

        List<string> inputs;
        try
        {
            using var body = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
            if (ReadInputs(body.RootElement) is not { } read)
            {
                await ProtocolErrors.WriteBadRequestAsync(context, "'content' must be a string or an array of strings");
                return;
            }
            inputs = read;
        }
        catch (JsonException error)
        {
            await ProtocolErrors.WriteBadRequestAsync(context, $"invalid JSON body: {error.Message}");
            return;
        }

        if (inputs.Count is 0 or > PerInputWork.MaxInputs)
        {
            await ProtocolErrors.WriteBadRequestAsync(context, $"'content' must hold 1 to {PerInputWork.MaxInputs} texts");
            return;
        }

        var results = await PerInputWork.RunAsync(context, inputs.Count, i =>
        {
            var (vector, tokens) = model.Embed(inputs[i]);
            return new EmbeddingResult(i, [vector], tokens);
        });
        if (results is null) return;

        await context.Response.WriteAsJsonAsync(results, LlamaCppJsonContext.Relaxed.EmbeddingResultArray, contentType: null, context.RequestAborted);
    }

    private static List<string>? ReadInputs(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("content", out var content)) return null;
        if (content.ValueKind == JsonValueKind.String) return [content.GetString()!];
        if (content.ValueKind != JsonValueKind.Array) return null;
        var inputs = new List<string>();
        foreach (var item in content.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String) return null;
            inputs.Add(item.GetString()!);
        }
        return inputs;
    }
}

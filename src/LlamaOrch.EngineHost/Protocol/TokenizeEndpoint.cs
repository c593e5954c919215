using LlamaOrch.EngineHost.Generation;
using LlamaOrch.EngineProtocol.Wire;

namespace LlamaOrch.EngineHost.Protocol;

/// <summary><c>POST /tokenize</c>: the model's tokens for a text, so a client can count before it asks.</summary>
internal sealed class TokenizeEndpoint(ModelHost models)
{
    public async Task HandleAsync(HttpContext context)
    {
        var (ok, request) = await ProtocolErrors.ReadBodyAsync(context, LlamaCppJsonContext.Relaxed.TokenizeRequest);
        if (!ok) return;

        if (request?.Content is not { } content)
        {
            await ProtocolErrors.WriteBadRequestAsync(context, "the body must be a JSON object with a string 'content'");
            return;
        }

        var tokens = new List<int>();
        // Unlike llama-server, special tokens are added unless asked not to: the count then matches what a completion evaluates.
        models.Model.Tokenize(content, request.AddSpecial ?? true, tokens);
        await context.Response.WriteAsJsonAsync(
            new TokenizeResponse(tokens),
            LlamaCppJsonContext.Relaxed.TokenizeResponse,
            contentType: null,
            context.RequestAborted);
    }
}

using LlamaOrch.Contracts.Anthropic;
using LlamaOrch.Contracts.Errors;
using LlamaOrch.Core.Admission;
using LlamaOrch.Core.Tasks;
using LlamaOrch.Server.Http;

namespace LlamaOrch.Server.Endpoints.Anthropic;

/// <summary>
/// <c>POST /v1/messages/count_tokens</c>: the request rendered exactly as <c>/v1/messages</c> renders it, counted by
/// the tokenizer of a ready replica of a pool serving the model. No task is made and nothing is queued; with no
/// replica ready there is nothing to count with, so the answer is 503.
/// </summary>
internal static class CountTokensEndpoint
{
    private const string Example = "a Messages request without max_tokens: {\"model\", \"messages\": [{\"role\": \"user\", \"content\": \"…\"}]}";

    public static async Task HandleAsync(HttpContext context, AdmissionService admission, AdmissionLimits limits)
    {
        if (await JsonBody.ReadAsync(context, AnthropicJsonContext.Default.MessagesRequest, Example) is not { } request) return;
        if (AnthropicPrompt.Render(request, admission, out var prompt) is { } problem)
        {
            await ErrorResponses.WriteAsync(context, problem);
            return;
        }
        if (prompt!.Prompt.Length > limits.MaxPromptChars)
        {
            await ErrorResponses.WriteAsync(context, Rejection.InvalidParams("messages", $"the rendered prompt's {prompt.Prompt.Length} characters exceed the limit of {limits.MaxPromptChars}"));
            return;
        }

        var engine = WireNames.Engines.GetValueOrDefault(prompt.Defaults.Engine ?? string.Empty, EngineKind.LlamaCpp);
        int? tokens;
        try
        {
            tokens = await admission.CountTokensAsync(prompt.Defaults.ModelRef!, engine, prompt.Prompt, context.RequestAborted);
        }
        catch (Exception error) when (!context.RequestAborted.IsCancellationRequested)
        {
            await ErrorResponses.WriteAsync(context, StatusCodes.Status503ServiceUnavailable,
                new ErrorEnvelope(ErrorCodes.PoolUnready, $"the engine could not count the prompt: {error.Message}", Retriable: true, RetryAfterMs: 1000));
            return;
        }
        if (tokens is not { } count)
        {
            await ErrorResponses.WriteAsync(context, StatusCodes.Status503ServiceUnavailable,
                new ErrorEnvelope(ErrorCodes.PoolUnready, $"no replica serving '{request.Model}' is ready to count tokens; try again once one is (GET /health/ready)", Retriable: true, RetryAfterMs: 1000));
            return;
        }
        await context.Response.WriteAsJsonAsync(new CountTokensResponse(count), AnthropicJsonContext.Default.CountTokensResponse,
            contentType: "application/json", context.RequestAborted);
    }
}

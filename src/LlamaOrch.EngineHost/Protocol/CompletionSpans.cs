using System.Diagnostics;

namespace LlamaOrch.EngineHost.Protocol;

/// <summary>
/// llorch-engine's own spans of a completion, under the server span of its <c>POST /completion</c> (which continues
/// orchestratord's trace from the traceparent header): prompt evaluation, then decoding, with token counts as
/// attributes. One of each per request, never one per token; with no listener (tracing off) both are null.
/// </summary>
internal static class CompletionSpans
{
    public const string SourceName = "LlamaOrch.Engine";
    public const string PromptEval = "llorch.prompt_eval";
    public const string Decode = "llorch.decode";

    private static readonly ActivitySource Source = new(SourceName);

    public static Activity? StartPromptEval(int slotId, int promptTokens)
    {
        var span = Source.StartActivity(PromptEval);
        if (span is { IsAllDataRequested: true })
        {
            span.SetTag("llorch.slot_id", slotId);
            span.SetTag("llorch.prompt_tokens", promptTokens);
        }
        return span;
    }

    public static Activity? StartDecode(int slotId)
    {
        var span = Source.StartActivity(Decode);
        span?.SetTag("llorch.slot_id", slotId);
        return span;
    }

    /// <summary>What the prompt evaluation found in the slot's cache: those tokens were not evaluated again.</summary>
    public static void PromptCached(Activity? span, int cachedTokens) => span?.SetTag("llorch.cached_prompt_tokens", cachedTokens);

    public static void Decoded(Activity? span, int predictedTokens, StopType stopType)
    {
        span?.SetTag("llorch.predicted_tokens", predictedTokens);
        span?.SetTag("llorch.stop_type", stopType == StopType.Eos ? "eos" : "limit");
    }
}

using System.Diagnostics.CodeAnalysis;
using LlamaOrch.EngineHost.Generation;
using LlamaOrch.EngineProtocol.Wire;
using LlamaOrch.EngineHost.Slots;

namespace LlamaOrch.EngineHost.Protocol;

/// <summary>
/// Turns a completion body into a <see cref="CompletionPlan"/> or a message for a 400. The sampling fields do
/// not change sim output, but they are range-checked so that a client learns of a bad value from any engine.
/// </summary>
internal static class CompletionRequestValidator
{
    public const int PredictUntilContextFull = -1;

    // Bounds the per-token work of matching and the text held back while a match is undecided.
    public const int MaxStopStrings = 16;
    public const int MaxStopStringLength = 256;

    public static bool TryPlan(
        CompletionRequest request,
        IEngineModel model,
        SlotPool slots,
        out CompletionPlan plan,
        [NotNullWhen(false)] out string? error)
    {
        plan = default;
        // llama-server's own words for it; an empty prompt is asked for as "".
        if (request.Prompt is null)
        {
            error = "key 'prompt' not found";
            return false;
        }

        var defaults = SamplingParameters.Default;
        var sampling = new SamplingParameters(
            request.Temperature ?? defaults.Temperature,
            request.TopK ?? defaults.TopK,
            request.TopP ?? defaults.TopP,
            request.MinP ?? defaults.MinP,
            request.RepeatPenalty ?? defaults.RepeatPenalty,
            request.Seed ?? defaults.Seed,
            request.LlorchStrict ?? false,
            string.IsNullOrEmpty(request.Grammar) ? null : request.Grammar);
        error = CheckSampling(sampling);
        if (error is not null)
        {
            return false;
        }

        // llama-server drops empty stop strings (they would match at once); so do we.
        var stopStrings = request.Stop?.Where(s => !string.IsNullOrEmpty(s)).Distinct(StringComparer.Ordinal).ToArray() ?? [];
        if (stopStrings.Length > MaxStopStrings)
        {
            error = $"stop takes at most {MaxStopStrings} strings, not {stopStrings.Length}";
            return false;
        }

        if (stopStrings.FirstOrDefault(s => s.Length > MaxStopStringLength) is { } tooLong)
        {
            error = $"each stop string may be at most {MaxStopStringLength} characters, not {tooLong.Length}";
            return false;
        }

        var requestedSlot = request.IdSlot ?? SlotPool.AnySlot;
        if (requestedSlot < SlotPool.AnySlot || requestedSlot >= slots.Slots.Count)
        {
            error = $"id_slot must be -1 (any slot) or from 0 to {slots.Slots.Count - 1}, not {requestedSlot}";
            return false;
        }

        var nPredict = request.NPredict ?? PredictUntilContextFull;
        if (nPredict < PredictUntilContextFull)
        {
            error = $"n_predict must be -1 (until the context is full) or a number of tokens >= 0, not {nPredict}";
            return false;
        }

        if (sampling.Grammar is { } grammar && model.GrammarError(grammar) is { } grammarError)
        {
            error = grammarError;
            return false;
        }

        var prompt = model.ReadPrompt(request.Prompt);
        var promptTokens = prompt.TokenCount;
        var context = slots.ContextSize;
        if (nPredict == PredictUntilContextFull ? promptTokens >= context : (long)promptTokens + nPredict > context)
        {
            error = nPredict == PredictUntilContextFull
                ? $"the request exceeds the available context size: the prompt's {promptTokens} tokens leave no room " +
                  $"in the {context} tokens of context per slot"
                : $"the request exceeds the available context size: {promptTokens} prompt tokens + n_predict " +
                  $"{nPredict} > {context} tokens of context per slot";
            return false;
        }

        var tokenLimit = nPredict == PredictUntilContextFull ? context - promptTokens : nPredict;
        plan = new CompletionPlan(prompt, tokenLimit, request.Stream ?? false, requestedSlot, sampling,
            ReuseCachedPrefix: request.CachePrompt ?? true, StopStrings: stopStrings);
        return true;
    }

    private static string? CheckSampling(SamplingParameters sampling) =>
        sampling switch
        {
            { Temperature: < 0 } => $"temperature must be >= 0, not {sampling.Temperature}",
            { TopK: < 0 } => $"top_k must be >= 0, not {sampling.TopK}",
            { TopP: < 0 or > 1 } => $"top_p must be from 0 to 1, not {sampling.TopP}",
            { MinP: < 0 or > 1 } => $"min_p must be from 0 to 1, not {sampling.MinP}",
            { RepeatPenalty: < 0 } => $"repeat_penalty must be >= 0, not {sampling.RepeatPenalty}",
            _ => null,
        };
}

using System.Text.Json;

namespace LlamaOrch.Contracts.OpenAi;

/// <summary><c>POST /v1/completions</c> (the legacy text completion) as it arrives.</summary>
/// <param name="Prompt">A string, or an array of one string.</param>
public sealed record CompletionRequest
{
    public string? Model { get; init; }
    public JsonElement? Prompt { get; init; }
    public int? MaxTokens { get; init; }
    public double? Temperature { get; init; }
    public double? TopP { get; init; }
    public JsonElement? Stop { get; init; }
    public long? Seed { get; init; }
    public int? N { get; init; }
    public bool? Stream { get; init; }
    public StreamOptionsBody? StreamOptions { get; init; }
    public string? User { get; init; }

    /// <summary>Extension: <c>interactive</c> or <c>batch</c>, as the <c>X-Priority</c> header.</summary>
    public string? Priority { get; init; }

    // Read only to refuse them.
    public int? Logprobs { get; init; }
    public bool? Echo { get; init; }
    public int? BestOf { get; init; }
    public string? Suffix { get; init; }
    public JsonElement? LogitBias { get; init; }
    public double? FrequencyPenalty { get; init; }
    public double? PresencePenalty { get; init; }
}

/// <summary>The answer of <c>POST /v1/completions</c>, and (with <c>object</c> the same) each chunk of its stream.</summary>
public sealed record Completion(string Id, long Created, string Model, IReadOnlyList<CompletionChoice> Choices, Usage? Usage = null)
{
    public string Object => "text_completion";
}

/// <param name="FinishReason">Null in the stream's chunks but the last.</param>
public sealed record CompletionChoice(string Text, int Index, string? FinishReason);

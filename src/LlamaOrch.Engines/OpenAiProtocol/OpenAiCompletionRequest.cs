namespace LlamaOrch.Engines.OpenAiProtocol;

/// <summary>The body of <c>POST /v1/completions</c> as this adapter sends it (streaming, with usage in the last chunk).</summary>
internal sealed record OpenAiCompletionRequest(
    string Model,
    string Prompt,
    int? MaxTokens,
    bool Stream,
    OpenAiStreamOptions StreamOptions,
    long? Seed,
    double Temperature,
    double TopP,
    IReadOnlyList<string>? Stop);

internal sealed record OpenAiStreamOptions(bool IncludeUsage);

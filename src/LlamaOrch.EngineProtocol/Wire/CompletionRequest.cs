namespace LlamaOrch.EngineProtocol.Wire;

/// <summary>
/// The body of <c>POST /completion</c>: the fields of llama-server's that this engine honours. Absent fields are
/// null and take llama-server's defaults; fields not listed here are ignored, as llama-server ignores them.
/// </summary>
internal sealed class CompletionRequest
{
    /// <summary>The text to continue; absent or empty starts from the beginning of a sequence.</summary>
    public string? Prompt { get; init; }

    /// <summary>Tokens to predict; -1 or absent predicts until the slot's context is full.</summary>
    public int? NPredict { get; init; }

    public bool? Stream { get; init; }

    public long? Seed { get; init; }

    public double? Temperature { get; init; }

    public int? TopK { get; init; }

    public double? TopP { get; init; }

    public double? MinP { get; init; }

    public double? RepeatPenalty { get; init; }

    /// <summary>
    /// Reuse the part of the prompt that the slot's KV cache already holds (llama-server's default, true); false
    /// evaluates the whole prompt from an empty cache. A sim prompt costs nothing to evaluate either way.
    /// </summary>
    public bool? CachePrompt { get; init; }

    /// <summary>
    /// Our extension (llama-server ignores it): decode this sequence alone in its batch and without reusing
    /// cached KV, so that its tokens cannot depend on what else the engine is doing.
    /// </summary>
    public bool? LlorchStrict { get; init; }

    /// <summary>The slot to run in; -1 or absent takes any free slot.</summary>
    public int? IdSlot { get; init; }

    /// <summary>Strings that end generation; the one matched is not part of the output (llama-server's <c>stop</c>).</summary>
    public IReadOnlyList<string>? Stop { get; init; }

    /// <summary>A GBNF grammar with root rule <c>root</c> that every sampled token must satisfy (llama-server's <c>grammar</c>).</summary>
    public string? Grammar { get; init; }
}

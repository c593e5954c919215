namespace LlamaOrch.EngineHost.Generation;

/// <summary>The sampling settings of one completion, llama-server's defaults filled in; <paramref name="Strict"/> asks for a batch of its own.</summary>
/// <param name="Grammar">A GBNF grammar (root rule <c>root</c>) that every sampled token must keep satisfiable; null for none.</param>
internal readonly record struct SamplingParameters(
    double Temperature,
    int TopK,
    double TopP,
    double MinP,
    double RepeatPenalty,
    long Seed,
    bool Strict = false,
    string? Grammar = null)
{
    /// <summary>llama.cpp's defaults; the seed is LLAMA_DEFAULT_SEED, which here is a fixed seed, not a random one.</summary>
    public static SamplingParameters Default { get; } = new(
        Temperature: 0.8,
        TopK: 40,
        TopP: 0.95,
        MinP: 0.05,
        RepeatPenalty: 1.0,
        Seed: 0xFFFF_FFFF);
}

namespace LlamaOrch.LlamaCpp;

/// <summary>
/// The inputs of a sampler chain. Profile <c>v1</c> (docs/determinism.md) is, in order: repetition
/// penalty over the last 64 tokens, the GBNF grammar when there is one, top-k, top-p, min-p, temperature, then a seeded draw. A temperature
/// of zero or below makes it greedy.
/// </summary>
internal sealed record SamplerSettings(
    float Temperature = 0.8f,
    int TopK = 40,
    float TopP = 0.95f,
    float MinP = 0.05f,
    float RepeatPenalty = 1.0f,
    int RepeatLastN = 64,
    uint Seed = 0,
    string? Grammar = null);

namespace LlamaOrch.Core.Engines;

/// <summary>
/// The sampler settings a task runs with: a named, fixed sampler-chain definition (sampler_profile_version),
/// possibly with overrides the profile allows. They are sent to the engine explicitly, so that any
/// llama.cpp-protocol engine samples the same way (docs/determinism.md).
/// </summary>
public sealed record SamplingProfile(string Version, double Temperature, int TopK, double TopP, double MinP, double RepeatPenalty)
{
    /// <summary>llama.cpp's default chain and values: penalty, top-k, top-p, min-p, temperature, seeded draw.</summary>
    public static readonly SamplingProfile V1 = new("v1", 0.8, 40, 0.95, 0.05, 1.0);

    /// <summary>Always the most likely token (temperature 0): the seed does not matter.</summary>
    public static readonly SamplingProfile GreedyV1 = new("greedy-v1", 0.0, 1, 1.0, 0.0, 1.0);

    public static readonly IReadOnlyDictionary<string, SamplingProfile> Known =
        new Dictionary<string, SamplingProfile> { [V1.Version] = V1, [GreedyV1.Version] = GreedyV1 };

    public bool IsGreedy => Temperature <= 0;
}

using LlamaOrch.Contracts.Tasks;
using LlamaOrch.Core.Engines;

namespace LlamaOrch.Core.Admission;

/// <summary>
/// Applies a task's <c>sampling</c> overrides to its profile. <c>v1</c> keeps sampling: its temperature may
/// move within (0, 2] and its filters within their ranges. <c>greedy-v1</c> allows only the repetition
/// penalty, since nothing else changes a greedy choice.
/// </summary>
internal static class SamplingOverrides
{
    public static Rejection? Apply(SamplingProfile profile, SamplingOverridesBody? overrides, out SamplingProfile result)
    {
        result = profile;
        if (overrides is null) return null;

        if (profile.IsGreedy)
        {
            var notAllowed = new (string Field, object? Value)[]
            {
                ("temperature", overrides.Temperature), ("top_k", overrides.TopK), ("top_p", overrides.TopP), ("min_p", overrides.MinP),
            }.FirstOrDefault(f => f.Value is not null);
            if (notAllowed.Field is not null)
                return Bad(notAllowed.Field, $"profile {profile.Version} allows only sampling.repeat_penalty to be overridden");
        }

        if (overrides.Temperature is { } t && !(t > 0 && t <= 2)) return Bad("temperature", "must be in (0, 2] for a sampling profile (use greedy-v1 for 0)");
        if (overrides.TopK is { } k && (k < 0 || k > 100_000)) return Bad("top_k", "must be in [0, 100000] (0 = off)");
        if (overrides.TopP is { } p && !(p > 0 && p <= 1)) return Bad("top_p", "must be in (0, 1]");
        if (overrides.MinP is { } m && !(m >= 0 && m < 1)) return Bad("min_p", "must be in [0, 1)");
        if (overrides.RepeatPenalty is { } r && !(r >= 1 && r <= 2)) return Bad("repeat_penalty", "must be in [1, 2] (1 = off)");

        result = profile with
        {
            Temperature = overrides.Temperature ?? profile.Temperature,
            TopK = overrides.TopK ?? profile.TopK,
            TopP = overrides.TopP ?? profile.TopP,
            MinP = overrides.MinP ?? profile.MinP,
            RepeatPenalty = overrides.RepeatPenalty ?? profile.RepeatPenalty,
        };
        return null;
    }

    private static Rejection Bad(string field, string problem) => Rejection.InvalidParams("sampling." + field, problem);
}

namespace LlamaOrch.Contracts.Tasks;

/// <summary>
/// The body of <c>POST /v1/tasks</c> exactly as it arrives. Every field is nullable so that validation can
/// name a missing required field instead of relying on a serializer exception.
/// </summary>
public sealed record TaskRequestBody
{
    public string? TaskId { get; init; }
    public string? SessionId { get; init; }
    public string? Workload { get; init; }
    public string? ModelRef { get; init; }
    public string? Engine { get; init; }
    public int? Ctx { get; init; }
    public string? Priority { get; init; }
    public long? Seed { get; init; }
    public string? Determinism { get; init; }
    public string? SamplerProfileVersion { get; init; }
    public string? Prompt { get; init; }
    public List<string>? Inputs { get; init; }
    public int? MaxTokens { get; init; }
    public long? DeadlineMs { get; init; }
    public int? ExpectedTokens { get; init; }
    public string? KvHint { get; init; }
    public PlacementBody? Placement { get; init; }

    /// <summary>Extension: strings that end generation when the model writes one (not included in the output).</summary>
    public List<string>? Stop { get; init; }

    /// <summary>Extension: a GBNF grammar (llama.cpp's) that every generated token must keep the output within.</summary>
    public string? Grammar { get; init; }

    /// <summary>Extension: store the task's transcript as a <c>transcript</c> artifact, its id in the <c>end</c> frame (completions only).</summary>
    public bool? Transcript { get; init; }

    /// <summary>Extension: overrides of the sampler profile's values, within what the profile allows.</summary>
    public SamplingOverridesBody? Sampling { get; init; }
}

public sealed record SamplingOverridesBody
{
    public double? Temperature { get; init; }
    public int? TopK { get; init; }
    public double? TopP { get; init; }
    public double? MinP { get; init; }
    public double? RepeatPenalty { get; init; }
}

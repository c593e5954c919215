namespace LlamaOrch.Contracts.Tasks;

/// <summary>
/// The body of <c>POST /v1/tasks</c> exactly as it arrives. Every field is nullable so that validation can
/// name a missing required field instead of relying on a serializer exception.
/// </summary>
/// <remarks>
/// Settable rather than init-only, as are <see cref="PlacementBody"/> and <see cref="SamplingOverridesBody"/>: the
/// source-generated reader sets settable properties on a new instance, but passes init-only ones through its
/// parameterized-constructor path (an object[] of every argument, boxed numbers), which was an eighth of what a
/// task submission allocated.
/// </remarks>
public sealed record TaskRequestBody
{
    public string? TaskId { get; set; }
    public string? SessionId { get; set; }
    public string? Workload { get; set; }
    public string? ModelRef { get; set; }
    public string? Engine { get; set; }
    public int? Ctx { get; set; }
    public string? Priority { get; set; }
    public long? Seed { get; set; }
    public string? Determinism { get; set; }
    public string? SamplerProfileVersion { get; set; }
    public string? Prompt { get; set; }
    public List<string>? Inputs { get; set; }
    public int? MaxTokens { get; set; }
    public long? DeadlineMs { get; set; }
    public int? ExpectedTokens { get; set; }
    public string? KvHint { get; set; }
    public PlacementBody? Placement { get; set; }

    /// <summary>Extension: strings that end generation when the model writes one (not included in the output).</summary>
    public List<string>? Stop { get; set; }

    /// <summary>Extension: a GBNF grammar (llama.cpp's) that every generated token must keep the output within.</summary>
    public string? Grammar { get; set; }

    /// <summary>Extension: store the task's transcript as a <c>transcript</c> artifact, its id in the <c>end</c> frame (completions only).</summary>
    public bool? Transcript { get; set; }

    /// <summary>Extension: overrides of the sampler profile's values, within what the profile allows.</summary>
    public SamplingOverridesBody? Sampling { get; set; }
}

public sealed record SamplingOverridesBody
{
    public double? Temperature { get; set; }
    public int? TopK { get; set; }
    public double? TopP { get; set; }
    public double? MinP { get; set; }
    public double? RepeatPenalty { get; set; }
}

namespace LlamaOrch.Core.Tasks;

/// <summary>A validated task: every field has been checked and defaulted.</summary>
public sealed record TaskSpec
{
    private string _sessionId = "";
    private string _modelRef = "";

    public required string TaskId { get; init; }
    public required string SessionId { get => _sessionId; init => _sessionId = value; }
    public required Workload Workload { get; init; }
    public required string ModelRef { get => _modelRef; init => _modelRef = value; }
    public required EngineKind Engine { get; init; }
    /// <summary>The context the task needs per slot; null for whatever the pool that runs it has.</summary>
    public int? Ctx { get; init; }
    public required Priority Priority { get; init; }
    public required long Seed { get; init; }
    public required Determinism Determinism { get; init; }
    public required string SamplerProfileVersion { get; init; }

    /// <summary>The profile's values with the task's allowed overrides applied.</summary>
    public required Engines.SamplingProfile Sampling { get; init; }
    public string? Prompt { get; init; }
    public IReadOnlyList<string>? Inputs { get; init; }
    /// <summary>Tokens to generate at most; null to generate until end of sequence or a full context (llama.cpp's n_predict -1).</summary>
    public int? MaxTokens { get; init; }

    /// <summary>Milliseconds from admission within which the task must finish; 0 means no deadline.</summary>
    public required long DeadlineMs { get; init; }

    public int? ExpectedTokens { get; init; }
    public KvHint? KvHint { get; init; }
    public PlacementSpec? Placement { get; init; }

    /// <summary>Strings that end generation when the model writes one; the engine leaves them out of the output.</summary>
    public IReadOnlyList<string>? Stop { get; init; }

    /// <summary>A GBNF grammar (llama.cpp's syntax, root rule <c>root</c>) constraining every generated token; null for none.</summary>
    public string? Grammar { get; init; }

    /// <summary>Store the task's transcript as an artifact at its end (completions only).</summary>
    public bool Transcript { get; init; }

    /// <summary>
    /// Lets the spec hold the given instances of its session id and model ref where they are equal to its own (the
    /// session's and the pool's strings): each task of one session and one model otherwise keeps copies of its own,
    /// 94 and ~50 bytes, for as long as it waits or is retained. Only while the task is not yet shared with other threads.
    /// </summary>
    internal void ShareStrings(string sessionId, string modelRef)
    {
        if (string.Equals(_sessionId, sessionId, StringComparison.Ordinal)) _sessionId = sessionId;
        if (string.Equals(_modelRef, modelRef, StringComparison.Ordinal)) _modelRef = modelRef;
    }
}

/// <param name="RequiredDevices">The devices the task may run on ("cpu" or GPU indices); null for any.</param>
public sealed record PlacementSpec(
    PlacementMode Mode,
    string? PinPoolId,
    IReadOnlyList<string> PreferPools,
    IReadOnlyList<string> AvoidPools,
    IReadOnlyList<string>? RequiredDevices,
    bool AllowFallback)
{
    public bool Allows(string? device) => RequiredDevices is null || (device is not null && RequiredDevices.Contains(device, StringComparer.Ordinal));
}

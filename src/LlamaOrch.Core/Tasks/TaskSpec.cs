namespace LlamaOrch.Core.Tasks;

/// <summary>A validated task: every field has been checked and defaulted.</summary>
public sealed record TaskSpec
{
    private string _sessionId = "";
    private string _modelRef = "";
    /// <summary>The fields most tasks leave at their defaults, in one object all such tasks share (a spec is then 40 bytes smaller).</summary>
    private RareFields _rare = RareFields.None;

    public required string TaskId { get; init; }
    public required string SessionId { get => _sessionId; init => _sessionId = value; }
    public required Workload Workload { get; init; }
    public required string ModelRef { get => _modelRef; init => _modelRef = value; }
    public required EngineKind Engine { get; init; }
    /// <summary>The context the task needs per slot; null for whatever the pool that runs it has.</summary>
    public int? Ctx { get; init; }
    public required Priority Priority { get; init; }
    /// <summary>
    /// The seed the client asked for; null to take the one its task id gives (<see cref="Admission.TaskSeed"/>), which the
    /// admitted task works out (<see cref="OrchestratedTask.Seed"/>): a refused submission never hashes its id.
    /// </summary>
    public long? Seed { get; init; }
    public required Determinism Determinism { get; init; }
    public required string SamplerProfileVersion { get; init; }

    /// <summary>The profile's values with the task's allowed overrides applied.</summary>
    public required Engines.SamplingProfile Sampling { get; init; }
    public string? Prompt { get; init; }
    public IReadOnlyList<string>? Inputs
    {
        get => _rare.Inputs;
        init { if (!ReferenceEquals(value, _rare.Inputs)) _rare = _rare with { Inputs = value }; }
    }

    /// <summary>Tokens to generate at most; null to generate until end of sequence or a full context (llama.cpp's n_predict -1).</summary>
    public int? MaxTokens { get; init; }

    /// <summary>Milliseconds from admission within which the task must finish; 0 means no deadline.</summary>
    public required long DeadlineMs { get; init; }

    public int? ExpectedTokens
    {
        get => _rare.ExpectedTokens;
        init { if (value != _rare.ExpectedTokens) _rare = _rare with { ExpectedTokens = value }; }
    }

    public KvHint? KvHint
    {
        get => _rare.KvHint;
        init { if (value != _rare.KvHint) _rare = _rare with { KvHint = value }; }
    }

    public PlacementSpec? Placement
    {
        get => _rare.Placement;
        init { if (!ReferenceEquals(value, _rare.Placement)) _rare = _rare with { Placement = value }; }
    }

    /// <summary>Strings that end generation when the model writes one; the engine leaves them out of the output.</summary>
    public IReadOnlyList<string>? Stop
    {
        get => _rare.Stop;
        init { if (!ReferenceEquals(value, _rare.Stop)) _rare = _rare with { Stop = value }; }
    }

    /// <summary>A GBNF grammar (llama.cpp's syntax, root rule <c>root</c>) constraining every generated token; null for none.</summary>
    public string? Grammar
    {
        get => _rare.Grammar;
        init { if (!ReferenceEquals(value, _rare.Grammar)) _rare = _rare with { Grammar = value }; }
    }

    /// <summary>Store the task's transcript as an artifact at its end (completions only).</summary>
    public bool Transcript
    {
        get => _rare.Transcript;
        init { if (value != _rare.Transcript) _rare = _rare with { Transcript = value }; }
    }

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

/// <summary>A spec's fields that are set on few tasks; <see cref="None"/> is every default, shared.</summary>
internal sealed record RareFields(
    int? ExpectedTokens, KvHint? KvHint, IReadOnlyList<string>? Inputs, PlacementSpec? Placement, IReadOnlyList<string>? Stop, string? Grammar, bool Transcript)
{
    public static readonly RareFields None = new(null, null, null, null, null, null, false);
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

namespace LlamaOrch.Bdd.Target;

/// <summary>
/// The orchestratord the scenarios drive: its base address and API token, and whether the runner started it
/// with the pools the features name (<see cref="OrchestratordProcess.Pools"/>) or was given one by URL.
/// </summary>
internal sealed class BddTarget(Uri baseAddress, string token, bool startedHere)
{
    public Uri BaseAddress { get; } = baseAddress;

    public string Token { get; } = token;

    public bool StartedHere { get; } = startedHere;

    /// <summary>orchestratord's data folder, when the runner started it (null for one given by URL).</summary>
    public string? DataDir { get; init; }

    /// <summary>orchestratord's last log lines, when the runner started it.</summary>
    public Func<int, string>? LogTail { get; init; }

    /// <summary>The port of the runner's loopback server that the tool policy allows, when the runner started it.</summary>
    public int? ToolTargetPort { get; init; }

    /// <summary>A client with no default token: steps send it (or leave it out) per request.</summary>
    public HttpClient NewClient() => new() { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(90) };
}

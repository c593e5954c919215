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

    /// <summary>A client with no default token: steps send it (or leave it out) per request.</summary>
    public HttpClient NewClient() => new() { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(90) };
}

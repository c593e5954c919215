namespace LlamaOrch.EngineHost.Hosting;

/// <summary>The outcome of parsing the command line: options, a help request, or an error naming the argument.</summary>
internal sealed record EngineOptionsParseResult(EngineOptions? Options, string? Error, bool HelpRequested)
{
    public static EngineOptionsParseResult Help { get; } = new(null, null, true);

    public static EngineOptionsParseResult Success(EngineOptions options) => new(options, null, false);

    public static EngineOptionsParseResult Failure(string error) => new(null, error, false);
}

namespace LlamaOrch.Cli;

/// <summary>A pool or model the server does not have, with the ones it has (exit code 6).</summary>
/// <param name="message">What was not found and what there is, one line.</param>
/// <param name="correlationId">The failed call's correlation id.</param>
internal sealed class UnknownNameException(string message, string? correlationId) : Exception(message)
{
    public string? CorrelationId { get; } = correlationId;
}

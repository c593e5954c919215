namespace LlamaOrch.Core.Engines;

/// <summary>
/// An engine request that failed for a reason the task's stream reports as an error frame, e.g.
/// <c>WORKER_RESET</c> when the engine process went away mid-stream.
/// </summary>
public sealed class EngineFailureException(string code, string message, bool retriable, Exception? inner = null)
    : Exception(message, inner)
{
    public string Code { get; } = code;

    public bool Retriable { get; } = retriable;
}

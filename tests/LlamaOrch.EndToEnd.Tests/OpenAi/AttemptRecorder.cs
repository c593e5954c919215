using System.ClientModel.Primitives;
using System.Diagnostics;

namespace LlamaOrch.EndToEnd.Tests.OpenAi;

/// <summary>
/// A per-try policy added to the SDK's pipeline (not a change to the SDK): it records each attempt's status, its
/// <c>Retry-After</c>, and when it was sent, so a test can see the SDK's own retries.
/// </summary>
internal sealed class AttemptRecorder : PipelinePolicy
{
    private readonly List<Attempt> _attempts = [];

    public sealed record Attempt(long SentTimestamp, int Status, string? RetryAfter);

    /// <summary>Completes when an attempt is answered 429.</summary>
    public TaskCompletionSource FirstRejection { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IReadOnlyList<Attempt> Attempts
    {
        get { lock (_attempts) return [.. _attempts]; }
    }

    public override void Process(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex) =>
        ProcessAsync(message, pipeline, currentIndex).AsTask().GetAwaiter().GetResult();

    public override async ValueTask ProcessAsync(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
    {
        var sent = Stopwatch.GetTimestamp();
        await ProcessNextAsync(message, pipeline, currentIndex);
        var response = message.Response!;
        response.Headers.TryGetValue("Retry-After", out var retryAfter);
        lock (_attempts) _attempts.Add(new Attempt(sent, response.Status, retryAfter));
        if (response.Status == 429) FirstRejection.TrySetResult();
    }
}

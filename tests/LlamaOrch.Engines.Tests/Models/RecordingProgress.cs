using System.Collections.Concurrent;
using LlamaOrch.Engines.Models;

namespace LlamaOrch.Engines.Tests.Models;

/// <summary>Records progress reports synchronously (unlike Progress&lt;T&gt;, which posts them later).</summary>
internal sealed class RecordingProgress(Action<ModelDownloadProgress>? onReport = null) : IProgress<ModelDownloadProgress>
{
    private readonly ConcurrentQueue<ModelDownloadProgress> _reports = new();

    public IReadOnlyList<ModelDownloadProgress> Reports => [.. _reports];

    public void Report(ModelDownloadProgress value)
    {
        _reports.Enqueue(value);
        onReport?.Invoke(value);
    }
}

namespace LlamaOrch.Bench.Scenarios;

/// <summary>orchestratord's memory idle, with tasks held in a queue (in one session, and each in its own), with live streams, and with finished tasks retained.</summary>
internal sealed record MemoryResult(long IdleBytes, long IdleThreads, long QueuedBytes, int QueuedTasks)
{
    /// <summary>Live managed heap idle and with the queue; null without <c>--gcdump</c>.</summary>
    public long? IdleHeap { get; init; }

    public long? QueuedHeap { get; init; }

    /// <summary>Before and with the same number of tasks queued, each in a session of its own (the bench's streams do that).</summary>
    public MemoryReading BeforeOwnSessions { get; init; }

    public MemoryReading WithOwnSessions { get; init; }

    public int LiveStreams { get; init; }

    public MemoryReading BeforeLive { get; init; }

    public MemoryReading WithLive { get; init; }

    public int RetainedTasks { get; init; }

    /// <summary>SSE frames the retained tasks' streams held (every <c>event:</c>), as their readers counted them.</summary>
    public long RetainedFrames { get; init; }

    public MemoryReading BeforeRetained { get; init; }

    public MemoryReading WithRetained { get; init; }
}

/// <summary>One reading: VmRSS, and the live managed heap when a heap probe was given.</summary>
internal readonly record struct MemoryReading(long Rss, long? Heap);

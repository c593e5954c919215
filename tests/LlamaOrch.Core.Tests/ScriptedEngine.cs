using System.Runtime.CompilerServices;
using System.Threading.Channels;
using LlamaOrch.Core.Engines;

namespace LlamaOrch.Core.Tests;

/// <summary>An in-memory engine whose every request is driven by the test: tokens, final frame, or nothing.</summary>
internal sealed class ScriptedEngine : IEngineClient
{
    private readonly Channel<EngineCall> _calls = Channel.CreateUnbounded<EngineCall>();

    public async IAsyncEnumerable<EngineChunk> StreamCompletionAsync(EngineCompletionRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var call = new EngineCall(request);
        _calls.Writer.TryWrite(call);
        var readToTheEnd = false;
        try
        {
            await foreach (var chunk in call.Chunks.Reader.ReadAllAsync(cancellationToken))
            {
                readToTheEnd = chunk.Final is not null;
                yield return chunk;
            }
        }
        finally
        {
            // The pool may stop reading by cancelling or by disposing the stream (a real client then closes the
            // connection); either way the engine request is aborted unless its final chunk was read.
            call.Ended.TrySetResult(!readToTheEnd);
        }
    }

    /// <summary>
    /// A vector per input whose first component is the input's length, so a test can tell them apart; while
    /// <see cref="EmbedGate"/> is set, only once it completes.
    /// </summary>
    public async Task<IReadOnlyList<EngineEmbedding>> EmbedAsync(IReadOnlyList<string> inputs, string correlationId, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _embedCalls);
        if (EmbedGate is { } gate) await gate.Task.WaitAsync(cancellationToken);
        return inputs.Select(i => new EngineEmbedding(Vector ?? [i.Length, 0f], 1)).ToList();
    }

    /// <summary>Set: the vector of every input, in place of the scripted one (an engine's odd output).</summary>
    public float[]? Vector { get; set; }

    /// <summary>Set: the score of every document, in place of the scripted one.</summary>
    public float? Score { get; set; }

    /// <summary>Set: embedding requests wait for it, so a test can keep an embedding task running.</summary>
    public TaskCompletionSource? EmbedGate { get; set; }

    private int _embedCalls;

    /// <summary>The embedding requests the pool has sent.</summary>
    public int EmbedCalls => Volatile.Read(ref _embedCalls);

    /// <summary>A document scores the number of its words that the query has too, and takes one token per word.</summary>
    public Task<IReadOnlyList<EngineScore>> RerankAsync(string query, IReadOnlyList<string> documents, string correlationId, CancellationToken cancellationToken)
    {
        var queryWords = query.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet();
        return Task.FromResult<IReadOnlyList<EngineScore>>(documents
            .Select(d => d.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(words => new EngineScore(Score ?? words.Count(queryWords.Contains), words.Length))
            .ToList());
    }

    /// <summary>One token per whitespace-separated word: enough for context checks.</summary>
    public Task<int> CountTokensAsync(string text, CancellationToken cancellationToken) =>
        Task.FromResult(text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length);

    public Task<string> GetMetricsTextAsync(CancellationToken cancellationToken) => Task.FromResult(string.Empty);

    /// <summary>The slots erased, in order.</summary>
    public List<int> Erased { get; } = [];

    public Task<int> EraseSlotAsync(int slot, CancellationToken cancellationToken)
    {
        lock (Erased) Erased.Add(slot);
        return Task.FromResult(0);
    }

    /// <summary>The next request the pool sent to this engine.</summary>
    public async Task<EngineCall> NextCallAsync() =>
        await _calls.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
}

internal sealed class EngineCall(EngineCompletionRequest request)
{
    public EngineCompletionRequest Request { get; } = request;

    public Channel<EngineChunk> Chunks { get; } = Channel.CreateUnbounded<EngineChunk>();

    /// <summary>Completes when the pool stops reading; true when it stopped before the final chunk (the request was aborted).</summary>
    public TaskCompletionSource<bool> Ended { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Token(string text) => Chunks.Writer.TryWrite(new EngineChunk(text, null));

    public void Finish(int tokensOut) =>
        Chunks.Writer.TryWrite(new EngineChunk(string.Empty, new EngineFinal(3, tokensOut, "limit", 1)));
}

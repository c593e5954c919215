using System.Buffers;
using System.Collections.Concurrent;
using LlamaOrch.EngineHost.Generation;
using LlamaOrch.LlamaCpp;

namespace LlamaOrch.EngineHost.Inference;

/// <summary>
/// Continuous batching: one thread owns the llama.cpp context and, each step, decodes one token for every
/// sequence that is generating plus as much pending prompt as still fits in the batch. Sequences join and
/// leave between steps. Each slot keeps its KV cache after a completion, so a next prompt in that slot that
/// starts the same way only evaluates what differs.
/// A strict sequence takes a step of its own, in turn with the shared batch, and starts from an empty KV:
/// its results then cannot depend on batch composition or on what the slot held before.
/// </summary>
internal sealed class BatchScheduler : IDisposable
{
    private readonly LlamaModel _model;
    private readonly LlamaContext _context;
    private readonly ConcurrentQueue<LlamaSequence> _arrivals = new();
    private readonly ConcurrentQueue<LlamaSequence> _departures = new();
    private readonly ConcurrentQueue<(int Slot, TaskCompletionSource<int> Erased)> _erasures = new();
    private readonly SemaphoreSlim _wake = new(0);
    private readonly List<LlamaSequence> _active = [];
    private readonly List<(LlamaSequence Sequence, int From, int Count)> _fed = [];
    private readonly List<LlamaSequence> _stepMembers = [];
    /// <summary>Steps taken, for the turns of <see cref="NextStepMembers"/>; unsigned, so that it wraps to 0 and never goes negative.</summary>
    private uint _turn;
    // What each slot's KV holds: the lists are the decode thread's alone; their counts are published for CachedTokens.
    private readonly List<int>[] _cached;
    private readonly int[] _cachedCounts;
    private readonly TokenDelivery _delivery = new();
    // Per token id, filled the first time the token is sampled: its UTF-8 piece (shared, never written to) and whether
    // it ends generation. A vocabulary's pieces do not change, so each costs llama.cpp calls once, not every token.
    private readonly byte[]?[] _pieces;
    private readonly bool[] _endsGeneration;
    private readonly ArrayBufferWriter<byte> _pieceScratch = new(32);
    private readonly Thread _thread;
    private volatile bool _stopping;

    public BatchScheduler(LlamaModel model, LlamaContext context)
    {
        _model = model;
        _context = context;
        _cached = Enumerable.Range(0, context.Sequences).Select(_ => new List<int>()).ToArray();
        _cachedCounts = new int[context.Sequences];
        _pieces = new byte[]?[model.VocabSize];
        _endsGeneration = new bool[model.VocabSize];
        _thread = new Thread(Run) { IsBackground = true, Name = "llama-decode" };
        _thread.Start();
    }

    public void Join(LlamaSequence sequence)
    {
        _arrivals.Enqueue(sequence);
        _wake.Release();
    }

    public void Leave(LlamaSequence sequence)
    {
        _departures.Enqueue(sequence);
        _wake.Release();
    }

    /// <summary>
    /// Empties a slot's KV cache on the decode thread (the context is not safe to touch from another) and
    /// completes with the tokens it held. The caller holds the slot, so nothing runs in it.
    /// </summary>
    public Task<int> EraseAsync(int slot)
    {
        var erased = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        _erasures.Enqueue((slot, erased));
        _wake.Release();
        return erased.Task;
    }

    private void Run()
    {
        while (!_stopping)
        {
            TakeDepartures();
            TakeErasures();
            TakeArrivals();
            if (_active.Count == 0)
            {
                _delivery.Schedule();
                _wake.Wait();
                continue;
            }

            try
            {
                Step();
            }
            catch (LlamaException error)
            {
                foreach (var sequence in _active) End(sequence, error);
                _active.Clear();
            }
            _delivery.Schedule();
        }
        _delivery.Schedule();
    }

    /// <summary>
    /// Whose step this is: the shared batch (every best-effort sequence) or one strict sequence, taking
    /// turns so that neither kind starves the other.
    /// </summary>
    private List<LlamaSequence> NextStepMembers()
    {
        _stepMembers.Clear();
        var strictCount = 0;
        var sharedCount = 0;
        foreach (var sequence in _active)
        {
            if (sequence.Strict) strictCount++;
            else sharedCount++;
        }

        // Turns 0..strictCount-1 belong to the strict sequences in order; the last turn to the shared batch.
        var turn = StepTurn(_turn++, strictCount, sharedCount > 0);
        var strictSeen = 0;
        foreach (var sequence in _active)
        {
            if (turn < strictCount)
            {
                if (sequence.Strict && strictSeen++ == turn)
                {
                    _stepMembers.Add(sequence);
                    break;
                }
            }
            else if (!sequence.Strict)
            {
                _stepMembers.Add(sequence);
            }
        }
        return _stepMembers;
    }

    /// <summary>Whose turn step number <paramref name="step"/> is: 0..strictCount-1 a strict sequence's, strictCount the shared batch's.</summary>
    internal static int StepTurn(uint step, int strictCount, bool shared) => (int)(step % (uint)(strictCount + (shared ? 1 : 0)));

    private void Step()
    {
        _context.ClearBatch();
        var fed = _fed;
        fed.Clear();
        var members = NextStepMembers();
        foreach (var sequence in members)
        {
            if (!sequence.PromptDone) continue;
            sequence.Row = _context.AddToBatch(sequence.LastToken, sequence.Position, sequence.Slot, wantLogits: true);
            fed.Add((sequence, -1, 1));
        }

        // Prompts fill what room is left, in chunks, so a long prompt never stalls the others' tokens.
        foreach (var sequence in members)
        {
            if (sequence.PromptDone) continue;
            var room = _context.BatchCapacity - _context.BatchCount;
            if (room == 0) break;
            var from = sequence.PromptCursor;
            var count = Math.Min(room, sequence.Prompt.Length - from);
            sequence.Row = -1;
            for (var i = from; i < from + count; i++)
            {
                var last = i == sequence.Prompt.Length - 1;
                var row = _context.AddToBatch(sequence.Prompt[i], i, sequence.Slot, wantLogits: last);
                if (last) sequence.Row = row;
            }
            sequence.PromptCursor += count;
            sequence.Position = sequence.PromptCursor;
            fed.Add((sequence, from, count));
        }

        _context.Decode();

        foreach (var (sequence, from, count) in fed)
        {
            Remember(sequence, from, count);
            if (sequence.Row < 0) continue; // a prompt chunk that is not the last one
            Sample(sequence);
            // After the first token: the reader that wakes for the prompt then finds that token ready, and sends the
            // response's headers and first frame in one write.
            if (from >= 0) _delivery.PromptEvaluated(sequence);
        }
        _active.RemoveAll(s => s.Finished);
    }

    private void Sample(LlamaSequence sequence)
    {
        var token = sequence.Sampler.Sample(_context, sequence.Row);
        var piece = PieceOf(token);
        if (piece is null)
        {
            Emit(sequence, new GeneratedToken(token, sequence.Text.Flush(), IsEndOfGeneration: true), last: true);
            return;
        }

        sequence.Generated++;
        sequence.LastToken = token;
        // The token just sampled would be fed at Position: stop at the limit or when the slot's context is full.
        var last = sequence.Generated >= sequence.TokenLimit || sequence.Position >= _context.ContextPerSequence;
        var text = sequence.Text.AddShared(piece);
        if (last)
        {
            var rest = sequence.Text.Flush();
            if (rest.Length > 0) text = (byte[])[.. text.Span, .. rest];
        }
        Emit(sequence, new GeneratedToken(token, text, IsEndOfGeneration: false), last);
    }

    /// <summary>The token's UTF-8 piece, from the cache after its first use; null when the token ends generation.</summary>
    private byte[]? PieceOf(int token)
    {
        if ((uint)token >= (uint)_pieces.Length)
        {
            // Outside the vocabulary the cache covers (llama.cpp never samples one): ask llama.cpp every time.
            if (_model.IsEndOfGeneration(token)) return null;
            _pieceScratch.ResetWrittenCount();
            _model.AppendPiece(token, _pieceScratch);
            return _pieceScratch.WrittenSpan.ToArray();
        }

        if (_endsGeneration[token]) return null;
        if (_pieces[token] is { } known) return known;
        if (_model.IsEndOfGeneration(token))
        {
            _endsGeneration[token] = true;
            return null;
        }

        _pieceScratch.ResetWrittenCount();
        _model.AppendPiece(token, _pieceScratch);
        return _pieces[token] = _pieceScratch.WrittenSpan.ToArray();
    }

    private void Emit(LlamaSequence sequence, GeneratedToken token, bool last)
    {
        _delivery.Token(sequence, token);
        if (last) End(sequence, null);
    }

    /// <summary>Records what was fed into the slot's cache and advances a generating sequence's position.</summary>
    private void Remember(LlamaSequence sequence, int from, int count)
    {
        var cached = _cached[sequence.Slot];
        if (from < 0)
        {
            cached.Add(sequence.LastToken);
            sequence.Position++;
        }
        else
        {
            cached.AddRange(sequence.Prompt.AsSpan(from, count));
        }
        Volatile.Write(ref _cachedCounts[sequence.Slot], cached.Count);
    }

    private void TakeArrivals()
    {
        while (_arrivals.TryDequeue(out var sequence))
        {
            // The slot came to this sequence after the one before it left (its handler queues the departure, then releases
            // the slot), so that departure is queued by now, but maybe after this step's first look: take it before the slot
            // is reused. Two sequences in one slot would make llama.cpp refuse the batch, which ends every sequence.
            TakeDepartures();
            TakeErasures();
            // Left before it joined (cancelled at once): its departure, taken first, has already freed its sampler.
            if (sequence.HasLeft) continue;
            var cached = _cached[sequence.Slot];
            // Reuse the cached prefix, but evaluate at least the last prompt token: its logits start generation.
            var reuse = sequence.ReuseCachedPrefix ? Math.Min(CommonPrefix(cached, sequence.Prompt), sequence.Prompt.Length - 1) : 0;
            _context.ForgetSequence(sequence.Slot, reuse);
            cached.RemoveRange(reuse, cached.Count - reuse);
            Volatile.Write(ref _cachedCounts[sequence.Slot], reuse);
            sequence.PromptCursor = reuse;
            sequence.Position = reuse;
            sequence.CachedPromptTokens = reuse;
            // In slot order, as llama-server builds its batch: a batch of the same sequences in the same order lets
            // llama.cpp reuse the previous step's graph instead of building and allocating a new one.
            var at = 0;
            while (at < _active.Count && _active[at].Slot < sequence.Slot) at++;
            _active.Insert(at, sequence);
        }
    }

    private void TakeErasures()
    {
        while (_erasures.TryDequeue(out var erasure))
        {
            var cached = _cached[erasure.Slot];
            var count = cached.Count;
            _context.ForgetSequence(erasure.Slot);
            cached.Clear();
            Volatile.Write(ref _cachedCounts[erasure.Slot], 0);
            erasure.Erased.SetResult(count);
        }
    }

    private void TakeDepartures()
    {
        while (_departures.TryDequeue(out var sequence))
        {
            if (_active.Remove(sequence)) End(sequence, null);
            sequence.Sampler.Dispose();
        }
    }

    private void End(LlamaSequence sequence, Exception? error)
    {
        sequence.Finished = true;
        _delivery.End(sequence, error);
    }

    /// <summary>
    /// Tokens held in the KV cache now, every slot together: what each slot was fed and still keeps, idle slots'
    /// reusable prefixes included, as llama-server counts used cells.
    /// </summary>
    public long CachedTokens()
    {
        long total = 0;
        for (var slot = 0; slot < _cachedCounts.Length; slot++) total += Volatile.Read(ref _cachedCounts[slot]);
        return total;
    }

    private static int CommonPrefix(List<int> cached, int[] prompt)
    {
        var n = Math.Min(cached.Count, prompt.Length);
        var i = 0;
        while (i < n && cached[i] == prompt[i]) i++;
        return i;
    }

    public void Dispose() => Stop();

    /// <summary>
    /// Stops the decode thread after its current step; false when it is still inside llama.cpp after 10 s (a long
    /// prompt's step on a slow CPU). Then nothing it uses may be freed under it.
    /// </summary>
    public bool Stop()
    {
        _stopping = true;
        _wake.Release();
        if (!_thread.Join(TimeSpan.FromSeconds(10))) return false;
        _wake.Dispose();
        return true;
    }
}

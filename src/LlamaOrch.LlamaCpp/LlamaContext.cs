using LlamaOrch.LlamaCpp.Native;

namespace LlamaOrch.LlamaCpp;

/// <summary>
/// A llama.cpp context with <see cref="Sequences"/> independent sequences (one per slot), each with its own
/// share of the KV cache, and one reusable batch. Not thread-safe: one decode loop owns it.
/// </summary>
internal sealed unsafe class LlamaContext : IDisposable
{
    private nint _context;
    private LlamaBatch _batch;

    /// <param name="flashAttention">llama.cpp's <c>llama_flash_attn_type</c>: -1 auto (its default), 0 off, 1 on.</param>
    public LlamaContext(
        LlamaModel model, int contextPerSequence, int sequences, int threads, int batchSize = 512, int? embeddingPooling = null,
        int flashAttention = FlashAttention.Auto)
    {
        var parameters = NativeMethods.ContextDefaultParams();
        parameters.FlashAttnType = flashAttention;
        if (embeddingPooling is { } pooling)
        {
            parameters.Embeddings = 1;
            parameters.PoolingType = pooling;
        }
        parameters.NCtx = (uint)(contextPerSequence * sequences);
        parameters.NSeqMax = (uint)sequences;
        parameters.NBatch = (uint)batchSize;
        parameters.NUbatch = (uint)batchSize;
        parameters.NThreads = threads;
        parameters.NThreadsBatch = threads;
        _context = NativeMethods.InitFromModel(model.Handle, parameters);
        if (_context == 0) throw new LlamaException($"llama.cpp could not create a context of {parameters.NCtx} tokens for {model.Path}");
        _batch = NativeMethods.BatchInit(batchSize, 0, 1);
        Model = model;
        Sequences = sequences;
        BatchCapacity = batchSize;
        ContextPerSequence = (int)NativeMethods.NCtx(_context) / sequences;
    }

    public LlamaModel Model { get; }
    public int Sequences { get; }
    public int BatchCapacity { get; }
    public int ContextPerSequence { get; }
    public int BatchCount => _batch.NTokens;
    internal nint Handle => _context != 0 ? _context : throw new ObjectDisposedException(nameof(LlamaContext));

    public void ClearBatch() => _batch.NTokens = 0;

    /// <summary>Adds a token to the batch; returns its row, whose logits exist after decode when asked for.</summary>
    public int AddToBatch(int token, int position, int sequence, bool wantLogits)
    {
        var row = _batch.NTokens;
        if (row >= BatchCapacity) throw new InvalidOperationException("batch is full");
        _batch.Token[row] = token;
        _batch.Pos[row] = position;
        _batch.NSeqId[row] = 1;
        _batch.SeqId[row][0] = sequence;
        _batch.Logits[row] = wantLogits ? (sbyte)1 : (sbyte)0;
        _batch.NTokens = row + 1;
        return row;
    }

    /// <summary>Runs the model over the batch; throws when llama.cpp reports a failure.</summary>
    public void Decode()
    {
        var status = NativeMethods.Decode(Handle, _batch);
        if (status != 0) throw new LlamaException($"llama_decode failed with status {status} (1 = no KV slot for the batch)");
    }

    /// <summary>
    /// Evaluates <paramref name="tokens"/> as sequence 0, alone and in one batch (pooling needs them together), and
    /// returns the first <paramref name="count"/> floats of its pooled output (a pooling context only): the embedding,
    /// or for rank pooling the classifier's outputs. The sequence's cache is empty again afterwards.
    /// </summary>
    public float[] PoolAlone(ReadOnlySpan<int> tokens, int count)
    {
        ClearBatch();
        for (var i = 0; i < tokens.Length; i++) AddToBatch(tokens[i], i, 0, wantLogits: true);
        try
        {
            Decode();
            return Pooled(0, count);
        }
        finally
        {
            ForgetSequence(0);
        }
    }

    private float[] Pooled(int sequence, int count)
    {
        var vector = NativeMethods.GetEmbeddingsSeq(Handle, sequence);
        if (vector is null) throw new LlamaException("llama.cpp returned no pooled output (is the context's pooling 'none'?)");
        return new ReadOnlySpan<float>(vector, count).ToArray();
    }

    /// <summary>Drops a sequence's cached tokens from <paramref name="fromPosition"/> on (0: all of it).</summary>
    public void ForgetSequence(int sequence, int fromPosition = 0) =>
        NativeMethods.MemorySeqRm(NativeMethods.GetMemory(Handle), sequence, fromPosition, -1);

    public void Dispose()
    {
        if (_context == 0) return;
        NativeMethods.BatchFree(_batch);
        NativeMethods.Free(_context);
        _context = 0;
    }
}

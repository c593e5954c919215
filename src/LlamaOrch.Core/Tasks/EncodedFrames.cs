using System.Buffers;

namespace LlamaOrch.Core.Tasks;

/// <summary>
/// One door's encoding of one task's events: the frames back to back in append-only chunks of bytes, shared
/// by every reader of the door. A frame never spans two chunks; a chunk, once it has bytes handed out, is
/// never written at those bytes again, so a slice stays valid and unchanged however far the log grows. Full
/// chunks are kept as they are (growth copies nothing), and no chunk is larger than <see cref="MaxChunk"/>
/// unless one frame is, which keeps a long generation's frames off the large object heap. Per frame it keeps
/// one <c>int</c> (where the frame ends in its chunk). Not thread-safe: the log uses it under the task's lock.
/// </summary>
internal sealed class EncodedFrames(ITaskEventEncoder door, int expectedFrames) : IBufferWriter<byte>
{
    /// <summary>Below 85,000 bytes, the large object heap's threshold, with room for the array's header.</summary>
    internal const int MaxChunk = 16 * 1024;

    /// <summary>Frames reserved for up front at most: a task that asks for many tokens may get few, and a live stream holds what is reserved.</summary>
    internal const int MaxExpected = 259;

    /// <summary>The first chunk: room for a <c>started</c> frame and the first few after it.</summary>
    private const int FirstChunk = 512;

    /// <summary>The chunks in order, each with the index of its first frame; the last one is being written.</summary>
    private Chunk[] _chunks = new Chunk[2];
    private int _chunkCount;

    /// <summary>Where each frame ends in its own chunk; sized for the frames expected, within <see cref="MaxExpected"/>.</summary>
    private int[] _ends = new int[Math.Clamp(expectedFrames, 4, MaxExpected)];

    /// <summary>Bytes written to the last chunk: its frames, then the frame being encoded.</summary>
    private int _written;

    public ITaskEventEncoder Door { get; } = door;

    /// <summary>The next door's encoding of the same log, if another door reads it; the log's chain of doors.</summary>
    internal EncodedFrames? Next { get; set; }

    /// <summary>How many of the log's events this door has encoded, from the first.</summary>
    public int Count { get; private set; }

    /// <summary>How many chunks hold the frames (for tests of the bounds).</summary>
    internal int ChunkCount => _chunkCount;

    /// <summary>Bytes of every chunk and of the frame index together, slack included (what a retained task holds for this door).</summary>
    internal long RetainedBytes
    {
        get
        {
            long total = (long)_ends.Length * sizeof(int);
            for (var index = 0; index < _chunkCount; index++) total += _chunks[index].Bytes.Length;
            return total;
        }
    }

    /// <summary>Encodes the next event of the log as frame <see cref="Count"/>.</summary>
    public void Add(in TaskEventView taskEvent)
    {
        var before = _written;
        Door.Encode(taskEvent, this);
        if (_written == before && _chunkCount == 0) Room(1); // an empty frame still needs a chunk to sit in
        if (Count == _ends.Length) Array.Resize(ref _ends, _ends.Length * 2);
        _ends[Count++] = _written;
    }

    /// <summary>
    /// Frames <paramref name="from"/> up to, not including, <paramref name="to"/>, or the part of them that lies in
    /// frame <paramref name="from"/>'s chunk: one contiguous slice. Returns the index after its last frame.
    /// </summary>
    public int Slice(int from, int to, out ReadOnlyMemory<byte> frames)
    {
        if (from >= to)
        {
            frames = ReadOnlyMemory<byte>.Empty;
            return from;
        }
        var chunk = ChunkOf(from);
        var last = chunk + 1 < _chunkCount ? _chunks[chunk + 1].FirstFrame : Count;
        var end = Math.Min(to, last);
        var start = from == _chunks[chunk].FirstFrame ? 0 : _ends[from - 1];
        frames = _chunks[chunk].Bytes.AsMemory(start, _ends[end - 1] - start);
        return end;
    }

    /// <summary>
    /// Drops the spare room once no frame will be added (a finished task is retained for a while): the last chunk
    /// is copied at its length, the frame index too. Slices handed out keep the old arrays, which nothing writes again.
    /// </summary>
    public void TrimExcess()
    {
        if (_chunkCount > 0 && _written < _chunks[_chunkCount - 1].Bytes.Length)
        {
            ref var last = ref _chunks[_chunkCount - 1];
            last = last with { Bytes = last.Bytes.AsSpan(0, _written).ToArray() };
        }
        if (Count < _ends.Length) Array.Resize(ref _ends, Count);
        if (_chunkCount < _chunks.Length) Array.Resize(ref _chunks, _chunkCount);
    }

    public void Advance(int count) => _written += count;

    public Memory<byte> GetMemory(int sizeHint = 0) => Room(sizeHint).AsMemory(_written);

    public Span<byte> GetSpan(int sizeHint = 0) => Room(sizeHint).AsSpan(_written);

    private int ChunkOf(int frame)
    {
        // Readers mostly want the newest frames: look from the last chunk back.
        var chunk = _chunkCount - 1;
        while (_chunks[chunk].FirstFrame > frame) chunk--;
        return chunk;
    }

    private byte[] Room(int sizeHint)
    {
        var needed = Math.Max(sizeHint, 1);
        if (_chunkCount > 0 && _written + needed <= _chunks[_chunkCount - 1].Bytes.Length) return _chunks[_chunkCount - 1].Bytes;
        return NewChunk(needed);
    }

    /// <summary>
    /// Starts a chunk for the frame being encoded, moving its bytes written so far (a frame never spans chunks).
    /// Each chunk is twice the last, from <see cref="FirstChunk"/> up to <see cref="MaxChunk"/>: a stream that has
    /// just begun holds a little, a long one a few large chunks, and neither copies what it wrote before.
    /// </summary>
    private byte[] NewChunk(int needed)
    {
        var frameStart = Count == 0 || _chunkCount == 0 || _chunks[_chunkCount - 1].FirstFrame == Count ? 0 : _ends[Count - 1];
        var partial = _written - frameStart;
        var size = _chunkCount == 0 ? FirstChunk : Math.Clamp(_chunks[_chunkCount - 1].Bytes.Length * 2, FirstChunk, MaxChunk);
        var bytes = new byte[Math.Max(size, partial + needed)];

        if (_chunkCount > 0)
        {
            ref var last = ref _chunks[_chunkCount - 1];
            last.Bytes.AsSpan(frameStart, partial).CopyTo(bytes);
            if (last.FirstFrame == Count)
            {
                // The last chunk holds no finished frame: the new one replaces it, nothing was handed out of it.
                last = new Chunk(Count, bytes);
                _written = partial;
                return bytes;
            }
        }
        if (_chunkCount == _chunks.Length) Array.Resize(ref _chunks, _chunks.Length * 2);
        _chunks[_chunkCount++] = new Chunk(Count, bytes);
        _written = partial;
        return bytes;
    }

    private readonly record struct Chunk(int FirstFrame, byte[] Bytes);
}

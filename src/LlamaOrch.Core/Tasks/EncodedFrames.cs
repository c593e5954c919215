using System.Buffers;

namespace LlamaOrch.Core.Tasks;

/// <summary>
/// One door's encoding of one task's events: the frames back to back in one growable array, frame i at
/// <c>offsets[i]..offsets[i+1]</c>. Growing copies into a new array and never writes the old one again, so
/// a slice handed out earlier stays valid and unchanged. Not thread-safe: the log uses it under the task's lock.
/// </summary>
internal sealed class EncodedFrames(ITaskEventEncoder door, int expectedFrames) : IBufferWriter<byte>
{
    private byte[] _bytes = new byte[256];
    private int _written;
    private int[] _offsets = new int[expectedFrames + 1];

    public ITaskEventEncoder Door { get; } = door;

    /// <summary>How many of the log's events this door has encoded, from the first.</summary>
    public int Count { get; private set; }

    /// <summary>Encodes the next event of the log as frame <see cref="Count"/>.</summary>
    public void Add(in TaskEventView taskEvent)
    {
        Door.Encode(taskEvent, this);
        if (Count + 1 == _offsets.Length) Array.Resize(ref _offsets, _offsets.Length * 2);
        _offsets[++Count] = _written;
    }

    /// <summary>Frames <paramref name="from"/> up to, not including, <paramref name="to"/>, as one slice.</summary>
    public ReadOnlyMemory<byte> Slice(int from, int to) => _bytes.AsMemory(_offsets[from], _offsets[to] - _offsets[from]);

    /// <summary>Drops the spare room once no frame will be added: a finished task is retained for a while.</summary>
    public void TrimExcess()
    {
        if (_written < _bytes.Length) _bytes = _bytes.AsSpan(0, _written).ToArray();
        if (Count + 1 < _offsets.Length) _offsets = _offsets.AsSpan(0, Count + 1).ToArray();
    }

    public void Advance(int count) => _written += count;

    public Memory<byte> GetMemory(int sizeHint = 0) => Room(sizeHint).AsMemory(_written);

    public Span<byte> GetSpan(int sizeHint = 0) => Room(sizeHint).AsSpan(_written);

    private byte[] Room(int sizeHint)
    {
        var needed = _written + Math.Max(sizeHint, 1);
        if (needed > _bytes.Length)
        {
            // The frames after the first (the large started frame) tell how large this door's frames are: room for
            // the expected rest at that size makes one growth of what would otherwise be several doublings.
            var expected = Count > 1 ? (_written - _offsets[1]) / (Count - 1) * (expectedFrames + 1) : 0;
            var grown = new byte[Math.Max(needed, Math.Max(_bytes.Length * 2, expected))];
            _bytes.AsSpan(0, _written).CopyTo(grown);
            _bytes = grown;
        }
        return _bytes;
    }
}

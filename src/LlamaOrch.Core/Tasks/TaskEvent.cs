namespace LlamaOrch.Core.Tasks;

/// <summary>
/// One event of a task's stream, as data in no door's wire format (the kinds are in <c>TaskEvents.cs</c>).
/// Each front door writes it through <see cref="EncodedBy"/>, which keeps that door's bytes on the event:
/// a frame is encoded once per door however many readers the door has, and a new door needs nothing here.
/// Thread-safety: the payload is immutable; any number of readers may call <see cref="EncodedBy"/> at once.
/// A reader that finds its door's bytes takes no lock; the first one for a door encodes under this event's
/// own monitor, which only that event's readers of that moment can contend for.
/// </summary>
public abstract class TaskEvent
{
    // The first door's bytes sit inline, so the task API's token frames need no allocation beyond their
    // bytes; further doors go in a short list. _firstEncoder is written last, so a reader that sees it
    // also sees _firstBytes.
    private ITaskEventEncoder? _firstEncoder;
    private byte[]? _firstBytes;
    private Encoding? _more;

    private protected TaskEvent()
    {
    }

    /// <summary>This event in <paramref name="encoder"/>'s framing, encoded on the first call and shared after.</summary>
    public byte[] EncodedBy(ITaskEventEncoder encoder) => Find(encoder) ?? EncodeOnce(encoder);

    private byte[] EncodeOnce(ITaskEventEncoder encoder)
    {
        lock (this)
        {
            if (Find(encoder) is { } raced) return raced;
            var bytes = encoder.Encode(this);
            if (_firstEncoder is null)
            {
                _firstBytes = bytes;
                Volatile.Write(ref _firstEncoder, encoder);
            }
            else
            {
                Volatile.Write(ref _more, new Encoding(encoder, bytes, _more));
            }
            return bytes;
        }
    }

    private byte[]? Find(ITaskEventEncoder encoder)
    {
        if (ReferenceEquals(Volatile.Read(ref _firstEncoder), encoder)) return _firstBytes;
        for (var more = Volatile.Read(ref _more); more is not null; more = more.Next)
        {
            if (ReferenceEquals(more.Encoder, encoder)) return more.Bytes;
        }
        return null;
    }

    private sealed class Encoding(ITaskEventEncoder encoder, byte[] bytes, Encoding? next)
    {
        public ITaskEventEncoder Encoder { get; } = encoder;

        public byte[] Bytes { get; } = bytes;

        public Encoding? Next { get; } = next;
    }
}

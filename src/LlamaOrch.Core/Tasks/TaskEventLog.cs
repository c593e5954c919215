using System.Runtime.CompilerServices;
using System.Text;

namespace LlamaOrch.Core.Tasks;

/// <summary>
/// The append-only list of a task's events, in no door's wire format, kept compact because a finished task
/// is retained for a while: one small struct per event, all token text as UTF-8 in one growable buffer, and
/// the other kinds' contract records on the side, so a token leaves no heap object of its own.
/// Each door reads it through its <see cref="ITaskEventEncoder"/>: the log encodes every event once per door,
/// into that door's <see cref="EncodedFrames"/> (append-only chunks of bytes), and hands readers a slice of those
/// frames, so any number of readers of a door share one encoding and write what they have to catch up on a chunk
/// at a time. Readers replay it
/// from the start and then follow it live; a caught-up reader waits on a reusable signal (a second reader waiting at the
/// same time shares one completion source), so following a stream allocates nothing per event.
/// Thread-safety: appends and encoding happen under the owning task's lock (<c>gate</c>); reads take it
/// briefly. A slice handed out is never written again, so readers use it outside the lock.
/// <paramref name="expectedEvents"/> sizes the arrays once the task starts producing, which spares a run most of their
/// growth; a queued task holds room for a few events only.
/// </summary>
internal sealed class TaskEventLog(object? gate, int expectedEvents = 16)
{
    private readonly object? _givenGate = gate;

    /// <summary>
    /// The lock that guards the log: the one given, or else the log itself, which a task uses as its own lock (no
    /// object of its own per task; nothing else ever locks a log).
    /// </summary>
    internal object Gate => _givenGate ?? this;

    /// <summary>Events a task logs while it waits in a queue: its first queued <c>metrics</c> frame, and an end if it never runs (more double the room).</summary>
    private const int QueuedEvents = 2;

    /// <summary>Room for a queued task's few events; the run's expected count is reserved when it starts (see <see cref="Add"/>).</summary>
    private Entry[] _entries = new Entry[Math.Min(expectedEvents, QueuedEvents)];
    private int _count;
    private byte[] _text = [];
    private int _textLength;
    /// <summary>The other kinds' records, in order (no list object around them: a queued task has one or two).</summary>
    private object[]? _payloads;
    private int _payloadCount;
    /// <summary>The doors' encodings, the first door's first, chained through <see cref="EncodedFrames.Next"/> (one field, where most tasks have one door).</summary>
    private EncodedFrames? _doors;
    /// <summary>The first waiting reader's wait, reused for every wait of whichever reader finds it free.</summary>
    private ReaderSignal? _signal;
    /// <summary>A reader waits on <see cref="_signal"/>: the next append or pulse releases it.</summary>
    private bool _signalArmed;
    /// <summary>The signal was handed out and its reader has not come back for the events yet: not to be armed again.</summary>
    private bool _signalBusy;
    /// <summary>The shared wait of readers that found the signal busy (a second reader of the same task, at the same time).</summary>
    private TaskCompletionSource? _waiter;
    private bool _closed;

    /// <summary>Appends a token; the caller holds the task lock. Returns the readers to wake.</summary>
    public LogWakeup AppendTokenLocked(string text, int tokenIndex)
    {
        var room = Encoding.UTF8.GetMaxByteCount(text.Length);
        if (_textLength + room > _text.Length) Array.Resize(ref _text, Math.Max(Math.Max(_text.Length * 2, 64), _textLength + room));
        var length = Encoding.UTF8.GetBytes(text, _text.AsSpan(_textLength));
        Add(new Entry(TaskEventKind.Token, tokenIndex, _textLength, length));
        _textLength += length;
        return Released(close: false);
    }

    /// <summary>
    /// Appends an event of any other kind with its contract record (see <see cref="TaskEventKind"/>); the caller
    /// holds the task lock. <paramref name="close"/> marks the last event. Returns the readers to wake.
    /// </summary>
    public LogWakeup AppendLocked(TaskEventKind kind, object payload, bool close)
    {
        // Two to start with: a queued task's metrics frame and its end, when it never runs.
        _payloads ??= new object[2];
        if (_payloadCount == _payloads.Length) Array.Resize(ref _payloads, _payloadCount * 2);
        _payloads[_payloadCount] = payload;
        Add(new Entry(kind, _payloadCount++, 0, 0));
        return Released(close);
    }

    /// <summary>
    /// The frames of events from index <paramref name="from"/> on in <paramref name="door"/>'s encoding, as one
    /// slice (those that lie in one chunk: a reader behind by more than a chunk reads again at once), once at least one exists, the log is closed, or a <see cref="Pulse"/> wakes idle readers (the
    /// slice is then empty: time for a keep-alive). Events this door has not encoded yet are encoded now, once
    /// for all its readers. Returns the next index and whether the log is closed and this slice ends it. The wait takes no timer and
    /// no cancellation registration, which keeps the per-token path cheap; a disconnected reader is noticed at
    /// the next event or pulse.
    /// </summary>
    public ValueTask<(int Next, bool Closed, ReadOnlyMemory<byte> Frames)> ReadEncodedAsync(int from, ITaskEventEncoder door) =>
        ReadAsync(from, door, static (log, from, door) => log.EncodedLocked(from, door));

    /// <summary>Copies events from index <paramref name="from"/> on into <paramref name="sink"/>, waiting as <see cref="ReadEncodedAsync"/> does.</summary>
    public ValueTask<(int Next, bool Closed)> ReadEventsAsync(int from, List<TaskEventRecord> sink) =>
        ReadAsync(from, sink, static (log, from, sink) => log.CopyLocked(from, sink));

    /// <summary>Wakes readers that are waiting for an event, without adding one.</summary>
    public void Pulse()
    {
        LogWakeup wakeup;
        lock (Gate) wakeup = Released(close: false);
        wakeup.Wake();
    }

    // Pooled: a caught-up reader suspends here once per event, and its state machine would otherwise be a new object each time.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<TResult> ReadAsync<TState, TResult>(int from, TState state, Func<TaskEventLog, int, TState, TResult> readLocked)
    {
        ValueTask wait;
        bool onSignal;
        lock (Gate)
        {
            if (_count > from || _closed) return readLocked(this, from, state);
            onSignal = !_signalBusy;
            if (onSignal)
            {
                _signal ??= new ReaderSignal();
                wait = _signal.Arm();
                _signalBusy = _signalArmed = true;
            }
            else
            {
                _waiter ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                wait = new ValueTask(_waiter.Task);
            }
        }

        await wait.ConfigureAwait(false);
        lock (Gate)
        {
            // The wait was consumed above: the signal may be armed again, by this reader or another.
            if (onSignal) _signalBusy = false;
            return readLocked(this, from, state);
        }
    }

    /// <summary>
    /// A task that starts producing (any event but metrics and the end) gets room for all it is expected to log at once;
    /// until then it holds room for a queued task's few events, so a long queue costs little.
    /// </summary>
    private void Add(Entry entry)
    {
        var producing = entry.Kind is not (TaskEventKind.Metrics or TaskEventKind.End or TaskEventKind.Error);
        if (_count == _entries.Length || (producing && _entries.Length < expectedEvents))
            Array.Resize(ref _entries, producing ? Math.Max(_count * 2, expectedEvents) : _count * 2);
        _entries[_count++] = entry;
    }

    private LogWakeup Released(bool close)
    {
        if (close)
        {
            _closed = true;
            // Every door that had readers gets its last frames now and gives back its spare room: a reader that
            // left before the end never asks again, and the task is retained for a while.
            for (var door = _doors; door is not null; door = door.Next)
            {
                try
                {
                    CatchUp(door);
                }
                catch (Exception)
                {
                    // A door that cannot encode an event (a bug in its encoder) must not keep every reader of the task
                    // waiting: its own readers meet the same exception when they read, where it is reported.
                }
            }
            Array.Resize(ref _entries, _count);
            Array.Resize(ref _text, _textLength);
            if (_payloads is not null) Array.Resize(ref _payloads, _payloadCount);
        }
        var signal = _signalArmed ? _signal : null;
        _signalArmed = false;
        var waiter = _waiter;
        _waiter = null;
        return new LogWakeup(signal, waiter);
    }

    private (int Next, bool Closed, ReadOnlyMemory<byte> Frames) EncodedLocked(int from, ITaskEventEncoder door)
    {
        var frames = FramesOf(door);
        CatchUp(frames);
        var next = frames.Slice(Math.Min(from, _count), _count, out var slice);
        next = Math.Max(from, next);
        return (next, _closed && next >= _count, slice);
    }

    /// <summary>Encodes the events <paramref name="frames"/>' door has not encoded yet; trims the frames once the log is closed.</summary>
    private void CatchUp(EncodedFrames frames)
    {
        if (frames.Count == _count) return;
        while (frames.Count < _count) frames.Add(View(_entries[frames.Count]));
        if (_closed) frames.TrimExcess();
    }

    private (int Next, bool Closed) CopyLocked(int from, List<TaskEventRecord> sink)
    {
        for (var index = from; index < _count; index++)
        {
            var entry = _entries[index];
            sink.Add(entry.Kind == TaskEventKind.Token
                ? new TaskEventRecord(entry.Kind, Encoding.UTF8.GetString(_text, entry.TextStart, entry.TextLength), entry.Number, null)
                : new TaskEventRecord(entry.Kind, null, 0, PayloadOf(entry)));
        }
        return (Math.Max(from, _count), _closed);
    }

    private TaskEventView View(Entry entry) => entry.Kind == TaskEventKind.Token
        ? new TaskEventView(entry.Kind, _text.AsSpan(entry.TextStart, entry.TextLength), entry.Number, null)
        : new TaskEventView(entry.Kind, default, 0, PayloadOf(entry));

    /// <summary>The contract record of a non-token event; a queued task's compact progress becomes its <c>metrics</c> frame here.</summary>
    private object PayloadOf(Entry entry) => _payloads![entry.Number] is QueuedProgress queued ? queued.ToFrame() : _payloads[entry.Number];

    private EncodedFrames FramesOf(ITaskEventEncoder door)
    {
        if (_doors is null) return _doors = new EncodedFrames(door, expectedEvents);
        var last = _doors;
        for (var frames = _doors; frames is not null; frames = frames.Next)
        {
            if (ReferenceEquals(frames.Door, door)) return frames;
            last = frames;
        }
        return last.Next = new EncodedFrames(door, Math.Max(_count, expectedEvents));
    }

    /// <summary>
    /// One event, with no reference in it so that the garbage collector never walks the entries of a retained
    /// log. <see cref="Number"/> is a token's index in the task, or the place of another kind's record in
    /// <c>_payloads</c>; the text span is a token's UTF-8 in <c>_text</c>.
    /// </summary>
    private readonly record struct Entry(TaskEventKind Kind, int Number, int TextStart, int TextLength);
}

using System.Buffers;
using LlamaOrch.Contracts.Errors;
using LlamaOrch.Contracts.Tasks;
using LlamaOrch.Core.Tasks;

namespace LlamaOrch.Core.Tests;

public sealed class TaskEventLogTests
{
    private readonly object _gate = new();

    [Fact]
    public async Task A_late_reader_gets_every_event_from_the_first_then_follows_to_the_close()
    {
        var log = new TaskEventLog(_gate);
        AppendToken(log, "a", 0);
        AppendToken(log, "bé", 1);

        var sink = new List<TaskEventRecord>();
        var (next, closed) = await log.ReadEventsAsync(0, sink);
        Assert.Equal([new(TaskEventKind.Token, "a", 0, null), new(TaskEventKind.Token, "bé", 1, null)], sink);
        Assert.Equal(2, next);
        Assert.False(closed);

        var waiting = log.ReadEventsAsync(next, sink);
        Assert.False(waiting.IsCompleted);
        var end = new EndFrame(2, 1, 5, Canceled: false, StopReason: "eos");
        Append(log, TaskEventKind.End, end, close: true);

        (next, closed) = await waiting;
        Assert.Equal(new TaskEventRecord(TaskEventKind.End, null, 0, end), sink[2]);
        Assert.Equal(3, next);
        Assert.True(closed);
    }

    [Fact]
    public async Task A_pulse_wakes_a_caught_up_reader_with_nothing_new()
    {
        var log = new TaskEventLog(_gate);
        var sink = new List<TaskEventRecord>();
        var waiting = log.ReadEventsAsync(0, sink);
        var waitingEncoded = log.ReadEncodedAsync(0, new CountingEncoder("sse"));
        Assert.False(waiting.IsCompleted);
        Assert.False(waitingEncoded.IsCompleted);

        log.Pulse();

        Assert.Equal((0, false), await waiting);
        Assert.Empty(sink);
        var (next, closed, frames) = await waitingEncoded;
        Assert.Equal((0, false, 0), (next, closed, frames.Length));
    }

    [Fact]
    public async Task A_closed_log_answers_at_once_even_with_nothing_left_to_read()
    {
        var log = new TaskEventLog(_gate);
        Append(log, TaskEventKind.Error, new ErrorEnvelope("INTERNAL", "boom"), close: true);

        var sink = new List<TaskEventRecord>();
        var read = log.ReadEventsAsync(1, sink);
        var readEncoded = log.ReadEncodedAsync(1, new CountingEncoder("sse"));

        Assert.True(read.IsCompleted);
        Assert.Equal((1, true), await read);
        Assert.Empty(sink);
        Assert.True(readEncoded.IsCompleted);
        var (next, closed, frames) = await readEncoded;
        Assert.Equal((1, true, 0), (next, closed, frames.Length));
    }

    [Fact]
    public async Task A_reader_woken_again_and_again_by_events_and_pulses_misses_none_and_sees_the_close()
    {
        var log = new TaskEventLog(_gate);
        const int tokens = 5000;
        var reader = Task.Run(async () =>
        {
            var sink = new List<TaskEventRecord>();
            var (next, closed) = (0, false);
            var wakeups = 0;
            while (!closed)
            {
                (next, closed) = await log.ReadEventsAsync(next, sink);
                wakeups++;
            }
            return (sink, wakeups);
        });
        var second = Task.Run(async () =>
        {
            var sink = new List<TaskEventRecord>();
            var (next, closed) = (0, false);
            while (!closed) (next, closed) = await log.ReadEventsAsync(next, sink);
            return sink;
        });
        for (var index = 0; index < tokens; index++)
        {
            AppendToken(log, $"{index}", index);
            if (index % 7 == 0) log.Pulse();
            if (index % 500 == 0) await Task.Yield();
        }
        Append(log, TaskEventKind.End, new EndFrame(tokens, 1, 5, Canceled: false, StopReason: "eos"), close: true);

        var (events, woken) = await reader.WaitAsync(TimeSpan.FromSeconds(30));
        var expected = Enumerable.Range(0, tokens).Select(index => $"{index}").Append(null).ToList();
        Assert.Equal(expected, events.Select(e => e.Text).ToList());
        Assert.Equal(TaskEventKind.End, events[^1].Kind);
        Assert.True(woken >= 1);
        Assert.Equal(expected, (await second.WaitAsync(TimeSpan.FromSeconds(30))).Select(e => e.Text).ToList());
    }

    [Fact]
    public async Task Appends_made_while_wakes_are_held_wake_the_reader_once_after_the_last_of_them()
    {
        var log = new TaskEventLog(_gate);
        var door = new CountingEncoder("sse");
        var waiting = log.ReadEncodedAsync(0, door);
        Assert.False(waiting.IsCompleted);

        Assert.True(WakeDeferral.Begin());
        Assert.False(WakeDeferral.Begin()); // already open on this thread: the inner caller has nothing to end
        AppendToken(log, "a", 0);
        AppendToken(log, "b", 1);
        AppendToken(log, "c", 2);
        // Held: released, the signal would report its reader's wait done at once (its continuation is what runs later).
        Assert.False(waiting.IsCompleted);
        WakeDeferral.End();

        var (next, closed, frames) = await waiting;
        Assert.Equal((3, false), (next, closed));
        Assert.Equal("sse:a|sse:b|sse:c|", System.Text.Encoding.UTF8.GetString(frames.Span));
    }

    [Fact]
    public async Task With_no_wakes_held_an_append_wakes_its_reader_at_once()
    {
        var log = new TaskEventLog(_gate);
        var sink = new List<TaskEventRecord>();
        var waiting = log.ReadEventsAsync(0, sink);
        Assert.True(WakeDeferral.Begin());
        WakeDeferral.End();

        AppendToken(log, "a", 0);

        // Bounded only so that a wake left held fails the test instead of hanging it.
        Assert.Equal((1, false), await waiting.AsTask().WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal([new(TaskEventKind.Token, "a", 0, null)], sink);
    }

    [Fact]
    public async Task A_reader_run_at_the_end_of_a_batch_may_hold_and_release_wakes_of_its_own()
    {
        var first = new TaskEventLog(_gate);
        var second = new TaskEventLog(gate: null);
        var secondSink = new List<TaskEventRecord>();
        var secondRead = second.ReadEventsAsync(0, secondSink);
        var relayed = RelayOnceAsync();

        Assert.True(WakeDeferral.Begin());
        AppendToken(first, "a", 0);
        WakeDeferral.End();

        await relayed.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal((1, false), await secondRead.AsTask().WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal([new(TaskEventKind.Token, "b", 0, null)], secondSink);

        // Run by the first log's wake (on the thread that ends the batch): a batch of its own inside that one's end.
        async Task RelayOnceAsync()
        {
            await first.ReadEventsAsync(0, []);
            Assert.True(WakeDeferral.Begin());
            lock (second.Gate) second.AppendTokenLocked("b", 0).Wake();
            WakeDeferral.End();
        }
    }

    [Fact]
    public async Task A_door_whose_encoder_throws_at_the_close_strands_no_reader()
    {
        var log = new TaskEventLog(_gate);
        AppendToken(log, "a", 0);
        var failing = new FailingAtEndEncoder();
        var (next, _, _) = await log.ReadEncodedAsync(0, failing);
        var waitingFailing = log.ReadEncodedAsync(next, failing);
        var sink = new List<TaskEventRecord>();
        var waitingEvents = log.ReadEventsAsync(1, sink);
        var waitingOther = log.ReadEncodedAsync(1, new CountingEncoder("sse"));

        Append(log, TaskEventKind.End, new EndFrame(1, 1, 5, Canceled: false, StopReason: "eos"), close: true);

        Assert.Equal((2, true), await waitingEvents);
        Assert.Equal(TaskEventKind.End, sink[^1].Kind);
        var (_, otherClosed, otherFrames) = await waitingOther;
        Assert.True(otherClosed);
        Assert.Equal("sse:End|", System.Text.Encoding.UTF8.GetString(otherFrames.Span));
        // The broken door's reader is woken too, and meets its encoder's fault where it can report it.
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await waitingFailing);
    }

    /// <summary>A door with a bug: it cannot encode the end.</summary>
    private sealed class FailingAtEndEncoder : ITaskEventEncoder
    {
        public void Encode(in TaskEventView taskEvent, IBufferWriter<byte> output)
        {
            if (taskEvent.Kind == TaskEventKind.End) throw new InvalidOperationException("cannot encode the end");
            output.Write("x"u8);
        }
    }

    private void AppendToken(TaskEventLog log, string text, int index)
    {
        lock (_gate) log.AppendTokenLocked(text, index).Wake();
    }

    private void Append(TaskEventLog log, TaskEventKind kind, object payload, bool close)
    {
        lock (_gate) log.AppendLocked(kind, payload, close).Wake();
    }
}

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

    private void AppendToken(TaskEventLog log, string text, int index)
    {
        lock (_gate) log.AppendTokenLocked(text, index)?.TrySetResult();
    }

    private void Append(TaskEventLog log, TaskEventKind kind, object payload, bool close)
    {
        lock (_gate) log.AppendLocked(kind, payload, close)?.TrySetResult();
    }
}

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
        TokenEvent first = new("a", 0), second = new("b", 1);
        Append(log, first, close: false);
        Append(log, second, close: false);

        var sink = new List<TaskEvent>();
        var (next, closed) = await log.ReadAsync(0, sink);
        Assert.Equal([first, second], sink);
        Assert.Equal(2, next);
        Assert.False(closed);

        var waiting = log.ReadAsync(next, sink);
        Assert.False(waiting.IsCompleted);
        var end = new EndEvent(new EndFrame(2, 1, 5, Canceled: false, StopReason: "eos"));
        Append(log, end, close: true);

        (next, closed) = await waiting;
        Assert.Equal([first, second, end], sink);
        Assert.Equal(3, next);
        Assert.True(closed);
    }

    [Fact]
    public async Task A_pulse_wakes_a_caught_up_reader_with_nothing_new()
    {
        var log = new TaskEventLog(_gate);
        var sink = new List<TaskEvent>();
        var waiting = log.ReadAsync(0, sink);
        Assert.False(waiting.IsCompleted);

        log.Pulse();

        Assert.Equal((0, false), await waiting);
        Assert.Empty(sink);
    }

    [Fact]
    public async Task A_closed_log_answers_at_once_even_with_nothing_left_to_read()
    {
        var log = new TaskEventLog(_gate);
        Append(log, new ErrorEvent(new ErrorEnvelope("INTERNAL", "boom")), close: true);

        var sink = new List<TaskEvent>();
        var read = log.ReadAsync(1, sink);

        Assert.True(read.IsCompleted);
        Assert.Equal((1, true), await read);
        Assert.Empty(sink);
    }

    private void Append(TaskEventLog log, TaskEvent taskEvent, bool close)
    {
        lock (_gate) log.AppendLocked(taskEvent, close)?.TrySetResult();
    }
}

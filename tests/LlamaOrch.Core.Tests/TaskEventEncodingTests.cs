using System.Runtime.InteropServices;
using System.Text;
using LlamaOrch.Contracts.Tasks;
using LlamaOrch.Core.Tasks;

namespace LlamaOrch.Core.Tests;

public sealed class TaskEventEncodingTests
{
    private readonly object _gate = new();

    [Fact]
    public async Task Many_readers_of_one_door_share_the_bytes_encoded_once()
    {
        var log = new TaskEventLog(_gate);
        var door = new CountingEncoder("sse");
        foreach (var (text, index) in new[] { ("a", 0), ("b", 1), ("c", 2) }) AppendToken(log, text, index);

        var first = (await log.ReadEncodedAsync(0, door)).Frames;
        for (var reader = 1; reader < 256; reader++)
        {
            var (next, closed, frames) = await log.ReadEncodedAsync(0, door);
            Assert.Equal((3, false), (next, closed));
            Assert.True(SameBytes(first, frames));
        }

        Assert.Equal(3, door.Calls);
        Assert.Equal("sse:a|sse:b|sse:c|", Text(first));
    }

    [Fact]
    public async Task A_door_whose_reader_left_gets_its_last_frames_when_the_task_ends()
    {
        var log = new TaskEventLog(_gate);
        var door = new CountingEncoder("sse");
        AppendToken(log, "a", 0);
        await log.ReadEncodedAsync(0, door); // the only reader then goes away
        AppendToken(log, "b", 1);
        Append(log, TaskEventKind.End, new EndFrame(2, 1, 5, Canceled: false, StopReason: "eos"), close: true);

        // Encoded at the close, not on a later read: nothing is left for a retained task to hold room for.
        Assert.Equal(3, door.Calls);
        var (next, closed, frames) = await log.ReadEncodedAsync(0, door);
        Assert.Equal((3, true), (next, closed));
        Assert.Equal("sse:a|sse:b|sse:End|", Text(frames));
        Assert.Equal(3, door.Calls);
    }

    [Fact]
    public async Task A_reader_gets_the_frames_from_its_index_on_in_one_slice()
    {
        var log = new TaskEventLog(_gate);
        var door = new CountingEncoder("sse");
        AppendToken(log, "a", 0);
        await log.ReadEncodedAsync(0, door);
        AppendToken(log, "b", 1);
        Append(log, TaskEventKind.End, new EndFrame(2, 1, 5, Canceled: false, StopReason: "eos"), close: true);

        var (next, closed, frames) = await log.ReadEncodedAsync(1, door);

        Assert.Equal((3, true), (next, closed));
        Assert.Equal("sse:b|sse:End|", Text(frames));
        Assert.Equal(3, door.Calls);
    }

    [Fact]
    public async Task Readers_following_a_live_task_each_get_every_frame_and_each_frame_is_encoded_once()
    {
        var log = new TaskEventLog(_gate);
        var door = new CountingEncoder("sse");
        const int tokens = 500;

        var readers = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            var seen = new StringBuilder();
            var (next, closed) = (0, false);
            while (!closed)
            {
                (next, closed, var frames) = await log.ReadEncodedAsync(next, door);
                seen.Append(Text(frames));
            }
            return seen.ToString();
        })).ToList();
        for (var index = 0; index < tokens; index++) AppendToken(log, $"{index}", index);
        Append(log, TaskEventKind.End, new EndFrame(tokens, 1, 5, Canceled: false, StopReason: "eos"), close: true);

        var expected = string.Concat(Enumerable.Range(0, tokens).Select(index => $"sse:{index}|")) + "sse:End|";
        Assert.All(await Task.WhenAll(readers), seen => Assert.Equal(expected, seen));
        Assert.Equal(tokens + 1, door.Calls);
    }

    [Fact]
    public async Task Each_door_keeps_its_own_encoding_of_the_same_events()
    {
        var log = new TaskEventLog(_gate);
        CountingEncoder tasks = new("tasks"), openAi = new("openai"), anthropic = new("anthropic");
        AppendToken(log, "hi", 0);
        AppendToken(log, "you", 1);

        foreach (var door in new[] { tasks, openAi, anthropic, anthropic, openAi, tasks })
            Assert.Equal($"{door.Name}:hi|{door.Name}:you|", Text((await log.ReadEncodedAsync(0, door)).Frames));

        Assert.All(new[] { tasks, openAi, anthropic }, door => Assert.Equal(2, door.Calls));
    }

    [Fact]
    public async Task A_slice_handed_out_keeps_its_bytes_while_the_log_grows_past_it()
    {
        var log = new TaskEventLog(_gate);
        var door = new CountingEncoder("sse");
        AppendToken(log, "first", 0);
        var early = (await log.ReadEncodedAsync(0, door)).Frames;

        for (var index = 1; index < 2000; index++) AppendToken(log, new string('x', index % 40), index);
        Append(log, TaskEventKind.End, new EndFrame(2000, 1, 5, Canceled: false, StopReason: "eos"), close: true);
        var all = (await log.ReadEncodedAsync(0, door)).Frames;

        Assert.Equal("sse:first|", Text(early));
        Assert.StartsWith("sse:first|sse:x|sse:xx|", Text(all));
        Assert.EndsWith("|sse:End|", Text(all));
        var events = new List<TaskEventRecord>();
        await log.ReadEventsAsync(0, events);
        Assert.Equal(new TaskEventRecord(TaskEventKind.Token, new string('x', 1999 % 40), 1999, null), events[1999]);
    }

    private static bool SameBytes(ReadOnlyMemory<byte> a, ReadOnlyMemory<byte> b) =>
        MemoryMarshal.TryGetArray(a, out var left) && MemoryMarshal.TryGetArray(b, out var right)
        && left.Array == right.Array && left.Offset == right.Offset && left.Count == right.Count;

    private static string Text(ReadOnlyMemory<byte> frames) => Encoding.UTF8.GetString(frames.Span);

    private void AppendToken(TaskEventLog log, string text, int index)
    {
        lock (_gate) log.AppendTokenLocked(text, index)?.TrySetResult();
    }

    private void Append(TaskEventLog log, TaskEventKind kind, object payload, bool close)
    {
        lock (_gate) log.AppendLocked(kind, payload, close)?.TrySetResult();
    }
}

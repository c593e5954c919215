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
        var all = await ReadToCloseAsync(log, door, 0);

        Assert.Equal("sse:first|", Text(early));
        Assert.StartsWith("sse:first|sse:x|sse:xx|", all);
        Assert.EndsWith("|sse:End|", all);
        var events = new List<TaskEventRecord>();
        await log.ReadEventsAsync(0, events);
        Assert.Equal(new TaskEventRecord(TaskEventKind.Token, new string('x', 1999 % 40), 1999, null), events[1999]);
    }

    [Fact]
    public async Task A_late_reader_replays_a_long_log_across_its_chunks_from_any_index_in_whole_frames()
    {
        var log = new TaskEventLog(_gate, expectedEvents: 64); // guessed short: the log must grow past the guess
        var door = new CountingEncoder("sse");
        const int tokens = 3000;
        AppendToken(log, "0-", 0);
        await log.ReadEncodedAsync(0, door); // the door exists from the first frame on, as a live reader's does
        for (var index = 1; index < tokens; index++) AppendToken(log, $"{index}-{new string('y', index % 50)}", index);
        Append(log, TaskEventKind.End, new EndFrame(tokens, 1, 5, Canceled: false, StopReason: "eos"), close: true);

        var expected = string.Concat(Enumerable.Range(0, tokens).Select(index => $"sse:{index}-{new string('y', index % 50)}|")) + "sse:End|";
        Assert.Equal(expected, await ReadToCloseAsync(log, door, 0));
        foreach (var from in new[] { 1, 777, 1500, 2999, 3000 })
        {
            var tail = string.Concat(Enumerable.Range(from, tokens - from).Select(index => $"sse:{index}-{new string('y', index % 50)}|")) + "sse:End|";
            Assert.Equal(tail, await ReadToCloseAsync(log, door, from));
        }
        Assert.Equal(tokens + 1, door.Calls);
    }

    [Fact]
    public void Chunks_stay_below_the_large_object_heap_and_a_closed_log_keeps_no_slack()
    {
        var frames = new EncodedFrames(new CountingEncoder("sse"), expectedFrames: 100_000);
        var encoded = 0L;
        for (var index = 0; index < 20_000; index++)
        {
            var text = $"{index}";
            frames.Add(new TaskEventView(TaskEventKind.Token, Encoding.UTF8.GetBytes(text), index, null));
            encoded += "sse:|".Length + text.Length;
        }
        Assert.True(frames.ChunkCount > 1);
        for (var from = 0; from < frames.Count;)
        {
            from = frames.Slice(from, frames.Count, out var slice);
            Assert.InRange(slice.Length, 1, EncodedFrames.MaxChunk);
        }

        frames.TrimExcess();

        // What a retained task holds for a door: its frames' bytes and one int per frame; spare room only at the end of
        // full chunks, less than the frame that did not fit there (here at most 10 bytes).
        Assert.InRange(frames.RetainedBytes, encoded + 20_000 * sizeof(int), encoded + 20_000 * sizeof(int) + frames.ChunkCount * 10);
    }

    [Fact]
    public void A_frame_larger_than_a_chunk_gets_a_chunk_of_its_own_and_stays_whole()
    {
        var frames = new EncodedFrames(new CountingEncoder("sse"), expectedFrames: 3);
        var big = new string('z', 3 * EncodedFrames.MaxChunk);
        frames.Add(new TaskEventView(TaskEventKind.Token, "a"u8, 0, null));
        frames.Add(new TaskEventView(TaskEventKind.Token, Encoding.UTF8.GetBytes(big), 1, null));
        frames.Add(new TaskEventView(TaskEventKind.Token, "b"u8, 2, null));

        var read = new StringBuilder();
        for (var from = 0; from < frames.Count;)
        {
            from = frames.Slice(from, frames.Count, out var slice);
            read.Append(Text(slice)).Append('#');
        }

        // Each slice ends at a frame's end; the big frame is never split.
        Assert.Contains($"sse:{big}|", read.ToString());
        Assert.Equal($"sse:a|sse:{big}|sse:b|", read.ToString().Replace("#", ""));
    }

    /// <summary>Reads a closed log from <paramref name="from"/> to its end, as a stream reader does: one slice after another.</summary>
    private static async Task<string> ReadToCloseAsync(TaskEventLog log, CountingEncoder door, int from)
    {
        var seen = new StringBuilder();
        var (next, closed) = (from, false);
        while (!closed)
        {
            (next, closed, var frames) = await log.ReadEncodedAsync(next, door);
            seen.Append(Text(frames));
        }
        return seen.ToString();
    }

    private static bool SameBytes(ReadOnlyMemory<byte> a, ReadOnlyMemory<byte> b) =>
        MemoryMarshal.TryGetArray(a, out var left) && MemoryMarshal.TryGetArray(b, out var right)
        && left.Array == right.Array && left.Offset == right.Offset && left.Count == right.Count;

    private static string Text(ReadOnlyMemory<byte> frames) => Encoding.UTF8.GetString(frames.Span);

    private void AppendToken(TaskEventLog log, string text, int index)
    {
        lock (_gate) log.AppendTokenLocked(text, index).Wake();
    }

    private void Append(TaskEventLog log, TaskEventKind kind, object payload, bool close)
    {
        lock (_gate) log.AppendLocked(kind, payload, close).Wake();
    }
}

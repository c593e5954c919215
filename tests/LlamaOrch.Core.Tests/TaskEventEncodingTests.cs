using System.Text;
using LlamaOrch.Core.Tasks;

namespace LlamaOrch.Core.Tests;

public sealed class TaskEventEncodingTests
{
    [Fact]
    public void Many_readers_of_one_door_share_the_bytes_encoded_once()
    {
        var door = new CountingEncoder("sse");
        var token = new TokenEvent("hi", 0);

        var first = token.EncodedBy(door);
        for (var reader = 1; reader < 256; reader++) Assert.Same(first, token.EncodedBy(door));

        Assert.Equal(1, door.Calls);
        Assert.Equal("sse:hi", Encoding.UTF8.GetString(first));
    }

    [Fact]
    public async Task Readers_racing_for_a_new_event_still_encode_it_once()
    {
        var door = new CountingEncoder("sse");
        var token = new TokenEvent("hi", 0);
        using var start = new Barrier(8);

        var readers = Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
        {
            start.SignalAndWait();
            return Enumerable.Range(0, 32).Select(_ => token.EncodedBy(door)).ToList();
        }));
        var seen = (await Task.WhenAll(readers)).SelectMany(bytes => bytes).Distinct().ToList();

        Assert.Single(seen);
        Assert.Equal(1, door.Calls);
    }

    [Fact]
    public void Each_door_keeps_its_own_encoding_of_the_same_event()
    {
        CountingEncoder tasks = new("tasks"), openAi = new("openai"), anthropic = new("anthropic");
        var token = new TokenEvent("hi", 0);

        foreach (var door in new[] { tasks, openAi, anthropic, anthropic, openAi, tasks })
            Assert.Equal(door.Name + ":hi", Encoding.UTF8.GetString(token.EncodedBy(door)));

        Assert.All(new[] { tasks, openAi, anthropic }, door => Assert.Equal(1, door.Calls));
    }

    private sealed class CountingEncoder(string name) : ITaskEventEncoder
    {
        private int _calls;

        public string Name => name;

        public int Calls => Volatile.Read(ref _calls);

        public byte[] Encode(TaskEvent taskEvent)
        {
            Interlocked.Increment(ref _calls);
            return Encoding.UTF8.GetBytes($"{name}:{((TokenEvent)taskEvent).Text}");
        }
    }
}

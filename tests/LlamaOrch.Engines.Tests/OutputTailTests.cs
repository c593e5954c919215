using LlamaOrch.Engines.Supervision;

namespace LlamaOrch.Engines.Tests;

public sealed class OutputTailTests
{
    [Fact]
    public void Keeps_the_last_non_empty_lines_within_its_capacity()
    {
        var tail = new OutputTail(3);
        foreach (var line in new[] { "one", "two", "", "three", "four" }) tail.Add(line);

        Assert.Equal("three | four", tail.Last());
        Assert.Equal("four", tail.Last(1));
        Assert.Null(new OutputTail(2).Last());
    }
}

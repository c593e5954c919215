using System.Text;
using LlamaOrch.Core.Chat;

namespace LlamaOrch.Core.Tests.Chat;

public sealed class ToolCallStreamParserTests
{
    private sealed record Parsed(string Text, List<(string Id, string Name, string Arguments)> Calls);

    // Feeds the output in pieces cut at the given places and gathers what the parser says.
    private static Parsed Run(ToolCallFormat format, string output, params int[] cuts)
    {
        var parser = new ToolCallStreamParser(format);
        var deltas = new List<ChatDelta>();
        var from = 0;
        foreach (var cut in cuts.Append(output.Length))
        {
            parser.Push(output[from..cut], deltas);
            from = cut;
        }
        parser.Finish(deltas);

        var text = new StringBuilder();
        var calls = new List<(string Id, string Name, string Arguments)>();
        foreach (var delta in deltas)
        {
            Assert.True(delta.Content is null != delta.ToolCall is null, "a delta is text or a call, not both");
            if (delta.Content is { } content) text.Append(content);
            if (delta.ToolCall is not { } call) continue;
            if (call.Id is not null)
            {
                Assert.Equal(calls.Count, call.Index);
                Assert.NotNull(call.Name);
                calls.Add((call.Id, call.Name!, ""));
            }
            else
            {
                Assert.Equal(calls.Count - 1, call.Index);
                calls[^1] = calls[^1] with { Arguments = calls[^1].Arguments + call.ArgumentsFragment };
            }
        }
        return new Parsed(text.ToString(), calls);
    }

    private static IEnumerable<Parsed> EverySplit(ToolCallFormat format, string output)
    {
        yield return Run(format, output);
        for (var i = 0; i <= output.Length; i++) yield return Run(format, output, i);
        for (var i = 0; i < output.Length; i++) yield return Run(format, output, [.. Enumerable.Range(1, output.Length - 1)]);
    }

    [Fact]
    public void HermesTextAndCallsSurviveASplitAtEveryCharacter()
    {
        const string output = "Let me check <tool <b>\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Oslo\"}}\n</tool_call>\n<tool_call>\n{\"name\": \"get_time\", \"arguments\": {}}\n</tool_call>\n";

        foreach (var parsed in EverySplit(ToolCallFormat.Hermes, output))
        {
            Assert.Equal("Let me check <tool <b>\n", parsed.Text);
            Assert.Equal(2, parsed.Calls.Count);
            Assert.Equal(("get_weather", """{"city": "Oslo"}"""), (parsed.Calls[0].Name, parsed.Calls[0].Arguments));
            Assert.Equal(("get_time", "{}"), (parsed.Calls[1].Name, parsed.Calls[1].Arguments));
            Assert.StartsWith("call_", parsed.Calls[0].Id);
            Assert.NotEqual(parsed.Calls[0].Id, parsed.Calls[1].Id);
        }
    }

    [Fact]
    public void HermesTextPassesAtOnceButAPossibleTagIsHeld()
    {
        var parser = new ToolCallStreamParser(ToolCallFormat.Hermes);
        var deltas = new List<ChatDelta>();

        parser.Push("hello <tool_c", deltas);
        Assert.Equal([new ChatDelta("hello ", null)], deltas);

        parser.Push("at", deltas);
        Assert.Equal([new ChatDelta("hello ", null), new ChatDelta("<tool_cat", null)], deltas);
    }

    [Fact]
    public void InvalidJsonInsideAHermesCallStaysText()
    {
        const string output = "<tool_call>\n{\"name\": \"f\", \"arguments\": {\"a\": }\n</tool_call> after";

        foreach (var parsed in EverySplit(ToolCallFormat.Hermes, output))
        {
            Assert.Empty(parsed.Calls);
            Assert.Equal(output, parsed.Text);
        }
    }

    [Fact]
    public void AnUnclosedHermesCallIsACallWhenItsBodyIsCompleteElseText()
    {
        var closedByEnd = Run(ToolCallFormat.Hermes, "<tool_call>\n{\"name\": \"f\", \"arguments\": {}}\n");
        var cutShort = Run(ToolCallFormat.Hermes, "<tool_call>\n{\"name\": \"f\", \"argu");
        var tagOnly = Run(ToolCallFormat.Hermes, "x<tool_call>");

        Assert.Equal("f", Assert.Single(closedByEnd.Calls).Name);
        Assert.Equal("<tool_call>\n{\"name\": \"f\", \"argu", cutShort.Text);
        Assert.Equal("x<tool_call>", tagOnly.Text);
    }

    [Fact]
    public void Llama3JsonIsACallWhenTheWholeOutputIsOne()
    {
        const string output = " {\"name\": \"get_weather\", \"parameters\": {\"city\": \"Oslo\"}}";

        foreach (var parsed in EverySplit(ToolCallFormat.Llama3Json, output))
        {
            Assert.Equal("", parsed.Text);
            var call = Assert.Single(parsed.Calls);
            Assert.Equal(("get_weather", """{"city": "Oslo"}"""), (call.Name, call.Arguments));
        }
    }

    [Theory]
    [InlineData("The answer is {x}.")]
    [InlineData("{\"name\": \"f\"}")]
    [InlineData("{\"name\": \"f\", \"parameters\": {}} and more")]
    [InlineData("{\"a\": 1}")]
    public void Llama3OutputThatIsNotExactlyOneCallIsText(string output)
    {
        foreach (var parsed in EverySplit(ToolCallFormat.Llama3Json, output))
        {
            Assert.Empty(parsed.Calls);
            Assert.Equal(output, parsed.Text);
        }
    }

    [Fact]
    public void Llama3PlainTextPassesAtOnce()
    {
        var parser = new ToolCallStreamParser(ToolCallFormat.Llama3Json);
        var deltas = new List<ChatDelta>();

        parser.Push("  ", deltas);
        Assert.Empty(deltas);
        parser.Push("Hi", deltas);

        Assert.Equal([new ChatDelta("  Hi", null)], deltas);
    }
}

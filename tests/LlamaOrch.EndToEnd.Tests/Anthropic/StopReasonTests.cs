using LlamaOrch.Contracts.Tasks;
using LlamaOrch.Server.Endpoints.Anthropic;

namespace LlamaOrch.EndToEnd.Tests;

/// <summary>Anthropic's <c>stop_reason</c>/<c>stop_sequence</c> from the task's end frame, for the cases a random model cannot be made to reach.</summary>
public sealed class StopReasonTests
{
    private static EndFrame Stopped(string? word) => new(5, 10, 1, Canceled: false, StopReason: "stop_word", StopWord: word);

    [Fact]
    public void The_templates_own_stop_is_the_end_of_the_turn_even_when_the_request_has_stop_sequences()
    {
        var assembler = new MessageAssembler(parser: null, streaming: false);

        Assert.Equal(("end_turn", (string?)null), assembler.StopOf(Stopped("<|im_end|>"), [" cat", " dog"]));
        Assert.Equal(("end_turn", (string?)null), assembler.StopOf(Stopped("<|im_end|>"), null));
    }

    [Fact]
    public void The_matched_sequence_is_named_and_an_engine_that_does_not_say_names_one_only_when_one_was_sent()
    {
        var assembler = new MessageAssembler(parser: null, streaming: false);

        Assert.Equal(("stop_sequence", " dog"), assembler.StopOf(Stopped(" dog"), [" cat", " dog"]));
        Assert.Equal(("stop_sequence", (string?)null), assembler.StopOf(Stopped(null), [" cat", " dog"]));
        Assert.Equal(("stop_sequence", " cat"), assembler.StopOf(Stopped(null), [" cat"]));
        Assert.Equal(("max_tokens", (string?)null), assembler.StopOf(new EndFrame(5, 10, 1, false, "limit"), [" cat"]));
    }
}

using System.Text;
using LlamaOrch.Engines.LlamaCppProtocol;

namespace LlamaOrch.Engines.Tests.LlamaCppProtocol;

/// <summary>The per-token fast path of the llama.cpp adapter: it takes only frames that carry text and nothing else that matters.</summary>
public sealed class TokenFrameReaderTests
{
    [Theory]
    [InlineData("""{"content":" story","stop":false}""", " story", null)]
    [InlineData("""{"content":"x","stop":false,"id_slot":0,"tokens_predicted":1,"tokens_evaluated":17}""", "x", 17)] // llorch-engine's
    [InlineData("""{"index":0,"content":"x","tokens":[12,13],"stop":false,"id_slot":3,"tokens_predicted":4,"tokens_evaluated":9,"timings":{"a":{"b":[1]}}}""", "x", 9)]
    public void The_prompts_size_comes_with_a_token_frame_that_says_it(string json, string expected, int? promptTokens)
    {
        Assert.True(LlamaCppEngineClient.TryReadTokenFrame(Encoding.UTF8.GetBytes(json), out var text, out var read));
        Assert.Equal(expected, text);
        Assert.Equal(promptTokens, read);
    }

    [Theory]
    [InlineData("""{"content":" story","stop":false}""", " story")]
    [InlineData("""{"stop":false,"content":"\u00e9t\u00e9 \"q\"\n"}""", "été \"q\"\n")]
    [InlineData("""{"index":0,"content":"x","tokens":[12,13],"stop":false,"id_slot":3,"tokens_predicted":4,"timings":{"a":{"b":[1]}}}""", "x")] // llama-server's extra fields
    [InlineData("""{"content":"","stop":false}""", "")]
    [InlineData("""{"stop":false}""", "")]
    [InlineData(""" {"content":"sp"} """, "sp")]
    public void A_text_frame_is_read_to_its_text(string json, string expected)
    {
        Assert.True(LlamaCppEngineClient.TryReadTokenFrame(Encoding.UTF8.GetBytes(json), out var text, out _));
        Assert.Equal(expected, text);
    }

    [Theory]
    [InlineData("""{"content":"","stop":true,"stop_type":"eos","tokens_predicted":3}""")] // the final frame: the serializer's
    [InlineData("""{"content":"x","stop":false,"error":{"message":"boom"}}""")]
    [InlineData("""{"error":{"code":500,"message":"boom"}}""")]
    [InlineData("""{"content":5,"stop":false}""")]
    [InlineData("""{"content":"x","stop":"no"}""")]
    [InlineData("""{"content":"x","stop":false,"tokens_evaluated":"9"}""")]
    [InlineData("""{"content":"x","stop":false,"tokens_evaluated":1e99}""")]
    [InlineData("""{"content":"x","stop":false""")] // cut short
    [InlineData("""{"content":"x"} {"content":"y"}""")]
    [InlineData("""["content"]""")]
    [InlineData("not json")]
    [InlineData("""{"content":"\ud83d"}""")] // half of a surrogate pair
    [InlineData("""{"content":"x\ude00","stop":false}""")]
    public void Any_other_frame_is_left_to_the_serializer(string json)
    {
        Assert.False(LlamaCppEngineClient.TryReadTokenFrame(Encoding.UTF8.GetBytes(json), out _, out _));
    }

    [Fact]
    public void Text_that_is_not_utf8_is_left_to_the_serializer_which_calls_the_frame_bad()
    {
        byte[] json = [.. """{"content":"a"""u8, 0xFF, 0xFE, .. "\",\"stop\":false}"u8];

        Assert.False(LlamaCppEngineClient.TryReadTokenFrame(json, out _, out _));
        Assert.ThrowsAny<System.Text.Json.JsonException>(() =>
            System.Text.Json.JsonSerializer.Deserialize(json, LlamaOrch.EngineProtocol.Wire.LlamaCppJsonContext.Default.CompletionChunk));
    }
}

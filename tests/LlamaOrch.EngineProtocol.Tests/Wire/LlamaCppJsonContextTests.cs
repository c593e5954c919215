using System.Text.Json;
using LlamaOrch.EngineProtocol.Wire;

namespace LlamaOrch.EngineProtocol.Tests.Wire;

public sealed class LlamaCppJsonContextTests
{
    [Fact]
    public void A_completion_request_names_its_fields_as_llama_server_does_and_leaves_out_what_is_unset()
    {
        var request = new CompletionRequest
        {
            Prompt = "Once",
            NPredict = 8,
            Stream = true,
            Seed = 42,
            CachePrompt = true,
            Temperature = 0.5,
            TopK = 40,
            TopP = 0.9,
            MinP = 0.05,
            RepeatPenalty = 1.1,
        };

        var json = JsonSerializer.Serialize(request, LlamaCppJsonContext.Default.CompletionRequest);

        Assert.Equal(
            """{"prompt":"Once","n_predict":8,"stream":true,"seed":42,"temperature":0.5,"top_k":40,"top_p":0.9,"min_p":0.05,"repeat_penalty":1.1,"cache_prompt":true}""",
            json);
    }

    [Fact]
    public void Props_from_a_llama_server_without_our_extensions_read_as_absent()
    {
        const string props = """{"default_generation_settings":{"n_ctx":4096,"params":{"temperature":0.8,"top_k":40,"top_p":0.95,"min_p":0.05,"repeat_penalty":1.0,"seed":4294967295,"n_predict":-1,"samplers":["top_k"]}},"total_slots":4,"model_path":"m.gguf","build_info":"b1-abc"}""";

        var read = JsonSerializer.Deserialize(props, LlamaCppJsonContext.Default.PropsResponse)!;

        Assert.Equal(4096, read.DefaultGenerationSettings?.NCtx);
        Assert.Equal(4, read.TotalSlots);
        Assert.Equal("b1-abc", read.BuildInfo);
        Assert.Null(read.EngineVersion);
        Assert.Null(read.Synthetic);
        Assert.Null(read.TokensPerSecond);
    }

    [Fact]
    public void A_rerank_result_without_our_token_count_reads_as_absent()
    {
        var read = JsonSerializer.Deserialize("""{"results":[{"index":1,"relevance_score":0.5}]}""", LlamaCppJsonContext.Default.RerankResponse)!;

        Assert.Equal([new RerankResult(1, 0.5f, null)], read.Results!);
    }

    [Fact]
    public void Replies_are_written_as_plain_utf8()
    {
        var json = JsonSerializer.Serialize(new ErrorResponse(new ErrorBody(400, "'ä' <bad>", "invalid_request_error")), LlamaCppJsonContext.Relaxed.ErrorResponse);

        Assert.Equal("""{"error":{"code":400,"message":"'ä' <bad>","type":"invalid_request_error"}}""", json);
    }
}

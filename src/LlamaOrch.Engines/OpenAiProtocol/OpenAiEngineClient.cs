using System.Diagnostics;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text.Json;
using LlamaOrch.Contracts.Errors;
using LlamaOrch.Core.Engines;
using LlamaOrch.Engines.Upstreams;

namespace LlamaOrch.Engines.OpenAiProtocol;

/// <summary>
/// Drives an OpenAI-compatible server we do not start (vLLM, SGLang, Ollama, LM Studio, llama-server's /v1, another
/// llama-orch): <c>/v1/completions</c> streamed with <c>stream_options.include_usage</c> (token counts from
/// <c>usage</c>), cancelled by closing the request, <c>/v1/embeddings</c>, and <c>/v1/models</c> for health and
/// facts. The protocol has no slots, no tokenizer and no rerank: those calls fail with a clear reason (a token
/// count failure only defers the prompt-fit check to the engine).
/// </summary>
/// <param name="baseAddress">The OpenAI base URL, ending in <c>/v1/</c>.</param>
/// <param name="model">The upstream's model name; null to use the first one <c>/v1/models</c> lists.</param>
internal sealed class OpenAiEngineClient(HttpClient http, Uri baseAddress, string? model) : IUpstreamEngine
{
    private const string DataPrefix = "data:";
    private string? _model = model;

    public Uri BaseAddress { get; } = baseAddress;

    /// <summary>The base URL as configured, with <c>/v1/</c> added unless it ends so already.</summary>
    public static Uri BaseFor(Uri url)
    {
        var text = url.ToString().TrimEnd('/');
        return new Uri(text.EndsWith("/v1", StringComparison.Ordinal) ? text + "/" : text + "/v1/");
    }

    public Task<bool> IsHealthyAsync(CancellationToken cancellationToken) =>
        HealthProbe.AnswersAsync(http, new Uri(BaseAddress, "models"), cancellationToken);

    public async Task<EngineFacts> GetFactsAsync(int configuredCtx, int configuredSlots, CancellationToken cancellationToken)
    {
        var list = await http.GetFromJsonAsync(new Uri(BaseAddress, "models"), OpenAiJsonContext.Default.OpenAiModelList, cancellationToken).ConfigureAwait(false);
        var models = list?.Data ?? [];
        var served = _model is null ? models.FirstOrDefault() : models.FirstOrDefault(m => m.Id == _model);
        if (served is null)
            throw new EngineFailureException(ErrorCodes.Internal, _model is null
                ? $"upstream {BaseAddress} lists no model at /v1/models"
                : $"upstream {BaseAddress} does not serve model '{_model}' (it lists: {string.Join(", ", models.Select(m => m.Id))})", retriable: true);
        _model = served.Id;
        // OpenAI's API has no version endpoint; the model's owner is what it tells about itself (vLLM says "vllm").
        var version = $"openai-compatible ({served.OwnedBy ?? "unknown server"}, model {served.Id})";
        // The server batches the requests it runs together (BatchIsolation).
        return new EngineFacts(version, served.MaxModelLen ?? configuredCtx, configuredSlots) { BatchesSequencesTogether = true };
    }

    public async IAsyncEnumerable<EngineChunk> StreamCompletionAsync(EngineCompletionRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var body = new OpenAiCompletionRequest(
            ModelName(), request.Prompt ?? string.Empty,
            request.MaxTokens == EngineCompletionRequest.UntilContextFull ? null : request.MaxTokens,
            Stream: true, new OpenAiStreamOptions(IncludeUsage: true), request.Seed,
            request.Sampling.Temperature, request.Sampling.TopP, request.Stop is { Count: > 0 } stop ? stop : null);
        var started = Stopwatch.GetTimestamp();
        using var response = await UpstreamStreams.PostAsync(http, BaseAddress, "completions", body, OpenAiJsonContext.Default.OpenAiCompletionRequest,
            request.CorrelationId, cancellationToken).ConfigureAwait(false);

        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var lines = new UpstreamLineReader(stream, BaseAddress);
        OpenAiUsage? usage = null;
        string? finish = null;
        var pieces = 0;
        while (true)
        {
            var line = await lines.ReadLineAsync(cancellationToken).ConfigureAwait(false)
                       ?? throw new EngineFailureException(ErrorCodes.WorkerReset, $"upstream {BaseAddress} closed the stream before [DONE]", retriable: true);
            if (!line.StartsWith(DataPrefix, StringComparison.Ordinal)) continue; // blank separators, comments, other fields
            var data = line.AsSpan(DataPrefix.Length).Trim();
            if (data.SequenceEqual("[DONE]")) break;

            var chunk = Parse(data);
            if (chunk.Error is { } error) throw new EngineFailureException(ErrorCodes.Internal, $"upstream error: {error.Message}", retriable: true);
            if (chunk.Usage is { } counted) usage = counted;
            if (chunk.Choices is [{ } choice, ..])
            {
                finish = choice.FinishReason ?? finish;
                if (choice.Text is { Length: > 0 } text)
                {
                    pieces++;
                    yield return new EngineChunk(text, null);
                }
            }
        }

        // Without usage (a server that ignores include_usage) each streamed piece is counted as one token: an estimate.
        var decodeMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        yield return new EngineChunk(string.Empty, new EngineFinal(usage?.PromptTokens ?? 0, usage?.CompletionTokens ?? pieces, StopReason(finish), decodeMs));
    }

    public async Task<IReadOnlyList<EngineEmbedding>> EmbedAsync(IReadOnlyList<string> inputs, string correlationId, CancellationToken cancellationToken)
    {
        using var response = await UpstreamStreams.PostAsync(http, BaseAddress, "embeddings", new OpenAiEmbeddingRequest(ModelName(), inputs),
            OpenAiJsonContext.Default.OpenAiEmbeddingRequest, correlationId, cancellationToken).ConfigureAwait(false);
        OpenAiEmbeddingResponse? reply;
        try
        {
            reply = await response.Content.ReadFromJsonAsync(OpenAiJsonContext.Default.OpenAiEmbeddingResponse, cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException error)
        {
            throw new EngineFailureException(ErrorCodes.Internal, $"upstream {BaseAddress} answered /v1/embeddings with something that is not its JSON: {error.Message}", retriable: true, error);
        }
        var vectors = new EngineEmbedding[inputs.Count];
        // The protocol counts tokens for the request only: each vector reports 0.
        foreach (var item in reply?.Data ?? [])
            if (item.Index >= 0 && item.Index < vectors.Length && item.Embedding is { } vector) vectors[item.Index] = new EngineEmbedding(vector, 0);
        if (vectors.Any(v => v is null))
            throw new EngineFailureException(ErrorCodes.Internal, $"upstream {BaseAddress} returned {reply?.Data?.Count ?? 0} vectors for {inputs.Count} inputs", retriable: false);
        return vectors;
    }

    public Task<IReadOnlyList<EngineScore>> RerankAsync(string query, IReadOnlyList<string> documents, string correlationId, CancellationToken cancellationToken) =>
        throw new EngineFailureException(ErrorCodes.InvalidParams, "the OpenAI protocol has no rerank; serve rerank from a llama.cpp pool", retriable: false);

    public Task<int> CountTokensAsync(string text, CancellationToken cancellationToken) =>
        throw new EngineFailureException(ErrorCodes.Internal, "the OpenAI protocol has no tokenizer endpoint", retriable: false);

    /// <summary>The protocol has no slots to erase; nothing was held for the session.</summary>
    public Task<int> EraseSlotAsync(int slot, CancellationToken cancellationToken) => Task.FromResult(0);

    /// <summary>Its own series are not merged into ours: their names and labels are the server's, not llama.cpp's.</summary>
    public Task<string> GetMetricsTextAsync(CancellationToken cancellationToken) => Task.FromResult(string.Empty);

    private string ModelName() =>
        _model ?? throw new EngineFailureException(ErrorCodes.Internal, $"upstream {BaseAddress} has not said which model it serves yet", retriable: true);

    private OpenAiCompletionChunk Parse(ReadOnlySpan<char> data) =>
        UpstreamStreams.Parse(data, OpenAiJsonContext.Default.OpenAiCompletionChunk, BaseAddress, "an OpenAI chunk");

    private static string StopReason(string? finish) => finish switch
    {
        "stop" => "eos",
        "length" => "limit",
        null or "" => "limit",
        var other => other,
    };
}

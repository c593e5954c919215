using System.Diagnostics;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text.Json;
using LlamaOrch.Contracts.Errors;
using LlamaOrch.Core.Engines;
using LlamaOrch.Engines.Upstreams;

namespace LlamaOrch.Engines.TgiProtocol;

/// <summary>
/// Drives a Hugging Face text-generation-inference server we do not start: <c>/generate_stream</c> (SSE, one event
/// per token, <c>details</c> on the last), cancelled by closing the request; <c>/health</c>; <c>/info</c> for the
/// version and the context. TGI serves no embeddings or rerank here, and has no slots to address.
/// </summary>
internal sealed class TgiEngineClient(HttpClient http, Uri baseAddress) : IUpstreamEngine
{
    private const string DataPrefix = "data:";

    public Uri BaseAddress { get; } = baseAddress;

    public Task<bool> IsHealthyAsync(CancellationToken cancellationToken) =>
        HealthProbe.AnswersAsync(http, new Uri(BaseAddress, "/health"), cancellationToken);

    public async Task<EngineFacts> GetFactsAsync(int configuredCtx, int configuredSlots, CancellationToken cancellationToken)
    {
        var info = await http.GetFromJsonAsync(new Uri(BaseAddress, "/info"), TgiJsonContext.Default.TgiInfo, cancellationToken).ConfigureAwait(false);
        var version = $"tgi {info?.Version ?? "(unknown version)"}{(info?.ModelId is { } id ? $", model {id}" : "")}";
        // TGI batches the requests it runs together (BatchIsolation).
        return new EngineFacts(version, info?.MaxTotalTokens ?? configuredCtx, configuredSlots) { BatchesSequencesTogether = true };
    }

    public async IAsyncEnumerable<EngineChunk> StreamCompletionAsync(EngineCompletionRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var sampling = request.Sampling;
        var greedy = sampling.Temperature <= 0;
        var body = new TgiGenerateRequest(request.Prompt ?? string.Empty, new TgiParameters(
            request.MaxTokens == EngineCompletionRequest.UntilContextFull ? null : request.MaxTokens,
            DoSample: !greedy,
            // TGI refuses a temperature, top_k or top_p outside (0, …) and (0, 1): left out when greedy or neutral.
            greedy ? null : sampling.Temperature,
            greedy || sampling.TopK <= 0 ? null : sampling.TopK,
            greedy || sampling.TopP is <= 0 or >= 1 ? null : sampling.TopP,
            sampling.RepeatPenalty == 1.0 ? null : sampling.RepeatPenalty,
            request.Seed,
            request.Stop is { Count: > 0 } stop ? stop : null,
            Details: true));
        var started = Stopwatch.GetTimestamp();
        using var response = await UpstreamStreams.PostAsync(http, BaseAddress, "/generate_stream", body, TgiJsonContext.Default.TgiGenerateRequest,
            request.CorrelationId, cancellationToken).ConfigureAwait(false);
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var lines = new UpstreamLineReader(stream, BaseAddress);
        var tokens = 0;
        while (true)
        {
            var line = await lines.ReadLineAsync(cancellationToken).ConfigureAwait(false)
                       ?? throw new EngineFailureException(ErrorCodes.WorkerReset, $"upstream {BaseAddress} closed the stream before its last token's details", retriable: true);
            if (!line.StartsWith(DataPrefix, StringComparison.Ordinal)) continue;
            var item = Parse(line.AsSpan(DataPrefix.Length).Trim());
            if (item.Error is { } error)
                throw new EngineFailureException(ErrorCodes.Internal, $"upstream error ({item.ErrorType ?? "unknown"}): {error}", retriable: true);
            if (item.Token is { } token)
            {
                tokens++;
                // Special tokens (the end of sequence) are counted, not shown, as llama.cpp does.
                if (!token.Special && token.Text is { Length: > 0 } text) yield return new EngineChunk(text, null);
            }
            if (item.Details is { } details)
            {
                var decodeMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                yield return new EngineChunk(string.Empty, new EngineFinal(details.InputLength ?? 0, details.GeneratedTokens > 0 ? details.GeneratedTokens : tokens, StopReason(details.FinishReason), decodeMs));
                yield break;
            }
        }
    }

    public Task<IReadOnlyList<EngineEmbedding>> EmbedAsync(IReadOnlyList<string> inputs, string correlationId, CancellationToken cancellationToken) =>
        throw new EngineFailureException(ErrorCodes.InvalidParams, "TGI serves no embeddings; serve them from a llama.cpp or OpenAI-compatible pool", retriable: false);

    public Task<IReadOnlyList<EngineScore>> RerankAsync(string query, IReadOnlyList<string> documents, string correlationId, CancellationToken cancellationToken) =>
        throw new EngineFailureException(ErrorCodes.InvalidParams, "TGI serves no rerank; serve it from a llama.cpp pool", retriable: false);

    public Task<int> CountTokensAsync(string text, CancellationToken cancellationToken) =>
        throw new EngineFailureException(ErrorCodes.Internal, "no token count from TGI here: the upstream checks the prompt itself", retriable: false);

    public Task<int> EraseSlotAsync(int slot, CancellationToken cancellationToken) => Task.FromResult(0);

    public Task<string> GetMetricsTextAsync(CancellationToken cancellationToken) => Task.FromResult(string.Empty);

    private TgiStreamEvent Parse(ReadOnlySpan<char> data) =>
        UpstreamStreams.Parse(data, TgiJsonContext.Default.TgiStreamEvent, BaseAddress, "a TGI event");

    private static string StopReason(string? finish) => finish switch
    {
        "eos_token" => "eos",
        "stop_sequence" => "stop_word",
        "length" => "limit",
        null or "" => "limit",
        var other => other,
    };
}

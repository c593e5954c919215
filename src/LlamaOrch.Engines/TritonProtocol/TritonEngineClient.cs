using System.Diagnostics;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text.Json;
using LlamaOrch.Contracts.Errors;
using LlamaOrch.Core.Engines;
using LlamaOrch.Engines.Upstreams;

namespace LlamaOrch.Engines.TritonProtocol;

/// <summary>
/// Drives an NVIDIA Triton Inference Server we do not start, through its generate extension:
/// <c>/v2/models/{model}/generate_stream</c> (SSE, one event per response of the model, its <c>text_output</c> the new
/// text), cancelled by closing the request; <c>/v2/health/ready</c> and <c>/v2/models/{model}/ready</c> for health;
/// <c>/v2</c> for the version. The stream has no end marker: it ends when the model sends its last response, so a
/// stream cut off before that is found only as a connection lost mid-stream. Token counts come from the vLLM backend's
/// <c>num_input_tokens</c>/<c>num_output_tokens</c> where it sends them; otherwise each event with text counts as one
/// token (an estimate) and the prompt as 0. No embeddings, rerank, tokenizer or slots through this protocol.
/// </summary>
/// <param name="model">The model's name in Triton's repository.</param>
internal sealed class TritonEngineClient(HttpClient http, Uri baseAddress, string model) : IUpstreamEngine
{
    private const string DataPrefix = "data:";

    private readonly string _modelPath = $"/v2/models/{Uri.EscapeDataString(model)}";

    public Uri BaseAddress { get; } = baseAddress;

    // The server takes requests, and this model is loaded: either alone would send tasks to a failure.
    public async Task<bool> IsHealthyAsync(CancellationToken cancellationToken) =>
        await HealthProbe.AnswersAsync(http, new Uri(BaseAddress, "/v2/health/ready"), cancellationToken).ConfigureAwait(false)
        && await HealthProbe.AnswersAsync(http, new Uri(BaseAddress, $"{_modelPath}/ready"), cancellationToken).ConfigureAwait(false);

    public async Task<EngineFacts> GetFactsAsync(int configuredCtx, int configuredSlots, CancellationToken cancellationToken)
    {
        var server = await http.GetFromJsonAsync(new Uri(BaseAddress, "/v2"), TritonJsonContext.Default.TritonServerMetadata, cancellationToken).ConfigureAwait(false);
        if (server?.Extensions is { } extensions && !extensions.Contains("generate"))
            throw new EngineFailureException(ErrorCodes.Internal,
                $"upstream {BaseAddress} is a Triton server without the generate extension (it lists: {string.Join(", ", extensions)})", retriable: true);
        // Triton's metadata says nothing of a model's context or concurrency: both as configured.
        return new EngineFacts($"{server?.Name ?? "triton"} {server?.Version ?? "(unknown version)"}, model {model}", configuredCtx, configuredSlots);
    }

    public async IAsyncEnumerable<EngineChunk> StreamCompletionAsync(EngineCompletionRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var sampling = request.Sampling;
        var greedy = sampling.Temperature <= 0;
        int? maxTokens = request.MaxTokens == EngineCompletionRequest.UntilContextFull ? null : request.MaxTokens;
        var body = new TritonGenerateRequest(
            request.Prompt ?? string.Empty, Stream: true, maxTokens,
            // Greedy as top_k 1, which both vLLM and TensorRT-LLM read so (TensorRT-LLM refuses a temperature of 0).
            greedy ? null : sampling.Temperature,
            greedy ? 1 : sampling.TopK > 0 ? sampling.TopK : null,
            greedy || sampling.TopP is <= 0 or >= 1 ? null : sampling.TopP,
            sampling.RepeatPenalty == 1.0 ? null : sampling.RepeatPenalty,
            request.Seed,
            request.Stop is { Count: > 0 } stop ? stop : null,
            ExcludeInputInOutput: true, ReturnFinishReason: true, ReturnNumInputTokens: true, ReturnNumOutputTokens: true);
        var started = Stopwatch.GetTimestamp();
        using var response = await UpstreamStreams.PostAsync(http, BaseAddress, $"{_modelPath}/generate_stream", body, TritonJsonContext.Default.TritonGenerateRequest,
            request.CorrelationId, cancellationToken).ConfigureAwait(false);
        // The stream has no end marker, so a body without events (a proxy's HTML page) would read as a completion of no
        // tokens: only an event stream is Triton's answer.
        if (response.Content.Headers.ContentType?.MediaType is not "text/event-stream")
            throw new EngineFailureException(ErrorCodes.WorkerReset,
                $"upstream {BaseAddress} answered {(int)response.StatusCode} with {response.Content.Headers.ContentType?.MediaType ?? "no content type"}, not a Triton generate event stream (text/event-stream)",
                retriable: true);
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var lines = new UpstreamLineReader(stream, BaseAddress);

        int? tokensIn = null;
        int? counted = null;
        var pieces = 0;
        string? finish = null;
        while (await lines.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            if (!line.StartsWith(DataPrefix, StringComparison.Ordinal)) continue; // blank separators, comments, other fields
            var item = Parse(line.AsSpan(DataPrefix.Length).Trim());
            if (item.Error is { } error) throw new EngineFailureException(ErrorCodes.Internal, $"upstream error: {error}", retriable: true);
            if (Number(item.NumInputTokens) is { } input) tokensIn = input;
            if (Number(item.NumOutputTokens) is { } output) counted = (counted ?? 0) + output;
            // vLLM sends "None" until the sequence is finished.
            if (Text(item.FinishReason) is { Length: > 0 } reason && reason != "None") finish = reason;
            if (Text(item.TextOutput) is { Length: > 0 } text)
            {
                pieces++;
                yield return new EngineChunk(text, null);
            }
        }

        // The stream ended as the model's last response was sent (a connection cut before it fails above as lost mid-stream).
        var tokensOut = counted ?? pieces;
        var stopReason = finish switch
        {
            "stop" => "eos",
            "length" => "limit",
            null => maxTokens is { } max && tokensOut >= max ? "limit" : "eos",
            var other => other,
        };
        yield return new EngineChunk(string.Empty, new EngineFinal(tokensIn ?? 0, tokensOut, stopReason, Stopwatch.GetElapsedTime(started).TotalMilliseconds));
    }

    public Task<IReadOnlyList<EngineEmbedding>> EmbedAsync(IReadOnlyList<string> inputs, string correlationId, CancellationToken cancellationToken) =>
        throw new EngineFailureException(ErrorCodes.InvalidParams, "Triton's generate extension serves no embeddings; serve them from a llama.cpp or OpenAI-compatible pool", retriable: false);

    public Task<IReadOnlyList<EngineScore>> RerankAsync(string query, IReadOnlyList<string> documents, string correlationId, CancellationToken cancellationToken) =>
        throw new EngineFailureException(ErrorCodes.InvalidParams, "Triton's generate extension serves no rerank; serve it from a llama.cpp pool", retriable: false);

    public Task<int> CountTokensAsync(string text, CancellationToken cancellationToken) =>
        throw new EngineFailureException(ErrorCodes.Internal, "no token count from Triton here: the upstream checks the prompt itself", retriable: false);

    public Task<int> EraseSlotAsync(int slot, CancellationToken cancellationToken) => Task.FromResult(0);

    /// <summary>Triton's own series (<c>:8002/metrics</c>) are not merged into ours: their names and labels are Triton's.</summary>
    public Task<string> GetMetricsTextAsync(CancellationToken cancellationToken) => Task.FromResult(string.Empty);

    private TritonGenerateEvent Parse(ReadOnlySpan<char> data) =>
        UpstreamStreams.Parse(data, TritonJsonContext.Default.TritonGenerateEvent, BaseAddress, "a Triton generate event");

    /// <summary>A one-element output tensor: the value, or the first of an array of one.</summary>
    private static JsonElement? One(JsonElement tensor) => tensor.ValueKind switch
    {
        JsonValueKind.Array => tensor.GetArrayLength() > 0 ? tensor[0] : null,
        JsonValueKind.Undefined or JsonValueKind.Null => null,
        _ => tensor,
    };

    private static string? Text(JsonElement tensor) => One(tensor) is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;

    private static int? Number(JsonElement tensor) => One(tensor) is { ValueKind: JsonValueKind.Number } value && value.TryGetInt32(out var n) && n >= 0 ? n : null;
}

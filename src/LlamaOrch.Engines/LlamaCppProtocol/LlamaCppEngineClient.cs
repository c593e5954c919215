using System.Buffers;
using System.IO.Pipelines;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using LlamaOrch.Contracts.Errors;
using LlamaOrch.Core.Engines;
using LlamaOrch.EngineProtocol.Wire;
using LlamaOrch.Engines.Upstreams;

namespace LlamaOrch.Engines.LlamaCppProtocol;

/// <summary>
/// Drives one engine that speaks llama.cpp server's HTTP API: llorch-engine or a real llama-server, started by
/// us or an upstream we do not start.
/// </summary>
/// <param name="fresh">
/// A client that never reuses a connection: a request that fails before any answer (llama-server closes its
/// connections after a streamed reply while advertising keep-alive, so a pooled one may be dead) is sent once
/// more on it, and only a second failure reports the engine unreachable. Null: no retry.
/// </param>
internal sealed class LlamaCppEngineClient(HttpClient http, Uri baseAddress, HttpClient? fresh = null) : IUpstreamEngine
{
    private static ReadOnlySpan<byte> DataPrefix => "data: "u8;

    private readonly Uri _completion = new(baseAddress, "/completion");

    public Uri BaseAddress { get; } = baseAddress;

    public Task<bool> IsHealthyAsync(CancellationToken cancellationToken) =>
        HealthProbe.AnswersAsync(http, new Uri(BaseAddress, "/health"), cancellationToken);

    public async Task<int> EraseSlotAsync(int slot, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Post, new Uri(BaseAddress, $"/slots/{slot}?action=erase")), cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode) throw await FailureFromAsync(response, cancellationToken).ConfigureAwait(false);
        var reply = await response.Content.ReadFromJsonAsync(LlamaCppJsonContext.Default.SlotEraseResponse, cancellationToken).ConfigureAwait(false);
        return reply?.NErased ?? 0;
    }

    public async Task<string> GetMetricsTextAsync(CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(new Uri(BaseAddress, "/metrics"), cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<EngineFacts> GetFactsAsync(int configuredCtx, int configuredSlots, CancellationToken cancellationToken)
    {
        var props = await http.GetFromJsonAsync(new Uri(BaseAddress, "/props"), LlamaCppJsonContext.Default.PropsResponse, cancellationToken).ConfigureAwait(false);
        var version = props?.EngineVersion ?? (props?.BuildInfo is { } build ? $"llama.cpp {build}" : "llama.cpp (unknown build)");
        return new EngineFacts(version, props?.DefaultGenerationSettings?.NCtx ?? configuredCtx, props?.TotalSlots ?? configuredSlots)
        {
            // engine_version is llorch-engine's own field: an engine without it is llama-server, which ignores llorch_strict
            // and batches the embeddings of several requests together.
            BatchesSequencesTogether = props?.EngineVersion is null,
        };
    }

    public async IAsyncEnumerable<EngineChunk> StreamCompletionAsync(EngineCompletionRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var wire = new CompletionRequest
        {
            Prompt = request.Prompt ?? string.Empty, // an engine refuses a request without one
            NPredict = request.MaxTokens,
            Stream = true,
            Seed = request.Seed,
            // A strict sequence starts from an empty cache (llorch-engine does so by itself; llama-server needs telling).
            CachePrompt = request.ReuseCachedPrefix && !request.Strict,
            IdSlot = request.Slot == EngineCompletionRequest.AnySlot ? null : request.Slot,
            Temperature = request.Sampling.Temperature,
            TopK = request.Sampling.TopK,
            TopP = request.Sampling.TopP,
            MinP = request.Sampling.MinP,
            RepeatPenalty = request.Sampling.RepeatPenalty,
            Stop = request.Stop,
            Grammar = request.Grammar,
            // Our extension: sent only when asked for, so that a request to llama-server holds nothing it does not know.
            LlorchStrict = request.Strict ? true : null,
        };
        var encoded = JsonRequestContent.Encode(wire, LlamaCppJsonContext.Default.CompletionRequest);
        HttpRequestMessage Message()
        {
            var message = new HttpRequestMessage(HttpMethod.Post, _completion) { Content = JsonRequestContent.Of(encoded) };
            message.Headers.TryAddWithoutValidation("X-Correlation-Id", request.CorrelationId);
            return message;
        }

        using var response = await SendAsync(Message, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode) throw await FailureFromAsync(response, cancellationToken).ConfigureAwait(false);

        var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        var reader = PipeReader.Create(body, new StreamPipeReaderOptions(leaveOpen: false));
        var chunks = new List<EngineChunk>();
        long searched = 0; // bytes at the buffer's start already searched for a line break, in vain
        try
        {
            while (true)
            {
                var result = await ReadAsync(reader, cancellationToken).ConfigureAwait(false);
                var buffer = result.Buffer;
                EngineChunk? last = null;
                ExceptionDispatchInfo? bad = null;
                chunks.Clear();
                while (TryReadLine(ref buffer, ref searched, out var line))
                {
                    EngineChunk? chunk;
                    try
                    {
                        chunk = ParseDataLine(line);
                    }
                    catch (Exception error) when (error is EngineFailureException or JsonException)
                    {
                        // The tokens before an error frame (or a bad one) go out before the failure, however the engine's
                        // bytes were split into reads.
                        bad = ExceptionDispatchInfo.Capture(error);
                        break;
                    }
                    if (chunk is not { } parsed) continue;
                    chunks.Add(parsed);
                    if (parsed.Final is not null)
                    {
                        last = parsed;
                        break;
                    }
                }
                reader.AdvanceTo(buffer.Start, buffer.End);

                foreach (var chunk in chunks) yield return chunk;
                bad?.Throw();
                if (last is not null) yield break;
                if (searched > UpstreamLineReader.MaxLineBytes)
                    throw new EngineFailureException(ErrorCodes.WorkerReset,
                        $"engine at {BaseAddress} sent a frame larger than {UpstreamLineReader.MaxLineBytes / (1 << 20)} MiB without a line break", retriable: true);
                if (result.IsCompleted) yield break; // the runner reports a missing final frame
            }
        }
        finally
        {
            await reader.CompleteAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// One request per input, one after another (issue 18 defect 2): llama-server gives every text of a request a slot
    /// of its own and decodes them in one batch, where a vector came out depending on the other texts; alone, a text's
    /// vector depends only on the text. The task holds one slot, so it uses one at a time. See <see cref="VectorOf"/>
    /// for what each engine answers.
    /// </summary>
    public async Task<IReadOnlyList<EngineEmbedding>> EmbedAsync(IReadOnlyList<string> inputs, string correlationId, CancellationToken cancellationToken)
    {
        var vectors = new EngineEmbedding[inputs.Count];
        for (var i = 0; i < inputs.Count; i++)
        {
            var items = await PostAsync("/embedding", new EmbeddingRequest([inputs[i]]), LlamaCppJsonContext.Default.EmbeddingRequest,
                LlamaCppJsonContext.Default.EmbeddingResultArray, correlationId, cancellationToken).ConfigureAwait(false);
            if (items is not [{ Embedding: [_, ..] } item])
                throw new EngineFailureException(ErrorCodes.Internal, $"engine at {BaseAddress} returned {items?.Length ?? 0} results for one input", retriable: false);
            vectors[i] = await VectorOf(item, inputs[i], cancellationToken).ConfigureAwait(false);
        }
        return vectors;
    }

    /// <summary>
    /// The text's pooled vector and token count. llorch-engine answers one pooled vector and <c>tokens_evaluated</c>.
    /// llama-server leaves the count out, and answers one pooled, normalised vector when it pools (<c>--pooling</c>,
    /// or the model's own) but a vector per token when its pooling is "none" (a plain LLM's default: an upstream we
    /// did not start may run so). Those are the model's last hidden states, which mean pooling averages: they are
    /// averaged and L2-normalised here, as llama.cpp would, and their number is the token count. A pooled vector
    /// without a count is counted by <c>/tokenize</c>.
    /// </summary>
    private async Task<EngineEmbedding> VectorOf(EmbeddingResult item, string input, CancellationToken cancellationToken)
    {
        var rows = item.Embedding!;
        if (rows.Length == 1)
            return new EngineEmbedding(rows[0], item.TokensEvaluated ?? await CountTokensAsync(input, cancellationToken).ConfigureAwait(false));

        var mean = new double[rows[0].Length];
        foreach (var row in rows)
        {
            if (row.Length != mean.Length)
                throw new EngineFailureException(ErrorCodes.Internal, $"engine at {BaseAddress} returned token vectors of different lengths", retriable: false);
            for (var j = 0; j < mean.Length; j++) mean[j] += row[j];
        }
        var norm = Math.Sqrt(mean.Sum(x => x * x));
        var vector = new float[mean.Length];
        for (var j = 0; j < mean.Length; j++) vector[j] = norm > 0 ? (float)(mean[j] / norm) : 0f;
        return new EngineEmbedding(vector, rows.Length);
    }

    public async Task<IReadOnlyList<EngineScore>> RerankAsync(string query, IReadOnlyList<string> documents, string correlationId, CancellationToken cancellationToken)
    {
        var reply = await PostAsync("/rerank", new RerankRequest(query, [.. documents], Texts: null, documents.Count), LlamaCppJsonContext.Default.RerankRequest,
            LlamaCppJsonContext.Default.RerankResponse, correlationId, cancellationToken).ConfigureAwait(false);

        // The reply is best first; put the scores back in the documents' order.
        var scores = new EngineScore[documents.Count];
        foreach (var item in reply?.Results ?? [])
        {
            if (item.Index >= 0 && item.Index < scores.Length && item.RelevanceScore is { } score)
                scores[item.Index] = new EngineScore(score, item.TokensEvaluated ?? 0);
        }
        if (scores.Any(s => s is null))
            throw new EngineFailureException(ErrorCodes.Internal, $"engine at {BaseAddress} returned {reply?.Results?.Length ?? 0} scores for {documents.Count} documents", retriable: false);
        return scores;
    }

    public async Task<int> CountTokensAsync(string text, CancellationToken cancellationToken)
    {
        var reply = await PostAsync("/tokenize", new TokenizeRequest(text, AddSpecial: true), LlamaCppJsonContext.Default.TokenizeRequest,
            LlamaCppJsonContext.Default.TokenizeResponse, correlationId: null, cancellationToken).ConfigureAwait(false);
        return reply?.Tokens?.Count ?? throw new EngineFailureException(ErrorCodes.Internal, $"engine at {BaseAddress} answered /tokenize without tokens", retriable: false);
    }

    /// <summary>POSTs a JSON body and reads the JSON reply; a refusal or a lost engine becomes an <see cref="EngineFailureException"/>.</summary>
    private async Task<TReply?> PostAsync<TRequest, TReply>(
        string path, TRequest body, JsonTypeInfo<TRequest> bodyType, JsonTypeInfo<TReply> replyType, string? correlationId,
        CancellationToken cancellationToken)
    {
        var encoded = JsonRequestContent.Encode(body, bodyType);
        HttpRequestMessage Message()
        {
            var message = new HttpRequestMessage(HttpMethod.Post, new Uri(BaseAddress, path)) { Content = JsonRequestContent.Of(encoded) };
            if (correlationId is not null) message.Headers.TryAddWithoutValidation("X-Correlation-Id", correlationId);
            return message;
        }
        using var response = await SendAsync(Message, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode) throw await FailureFromAsync(response, cancellationToken).ConfigureAwait(false);
        try
        {
            return await response.Content.ReadFromJsonAsync(replyType, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception error) when (error is IOException or HttpRequestException && !cancellationToken.IsCancellationRequested)
        {
            throw new EngineFailureException(ErrorCodes.WorkerReset, $"engine at {BaseAddress} went away mid-reply: {error.Message}", retriable: true, error);
        }
    }

    /// <summary>
    /// Sends a request made by <paramref name="message"/>; when it fails before any answer came back (no status
    /// line: the engine never took it), sends a new one on a fresh connection before calling the engine unreachable.
    /// </summary>
    private async Task<HttpResponseMessage> SendAsync(Func<HttpRequestMessage> message, CancellationToken cancellationToken)
    {
        try
        {
            using var first = message();
            return await http.SendAsync(first, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException error) when (!cancellationToken.IsCancellationRequested && fresh is not null)
        {
            try
            {
                using var again = message();
                return await fresh.SendAsync(again, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException retried) when (!cancellationToken.IsCancellationRequested)
            {
                throw new EngineFailureException(ErrorCodes.WorkerReset,
                    $"engine at {BaseAddress} is unreachable: {retried.Message} (first try: {error.Message})", retriable: true, retried);
            }
        }
        catch (HttpRequestException error) when (!cancellationToken.IsCancellationRequested)
        {
            throw new EngineFailureException(ErrorCodes.WorkerReset, $"engine at {BaseAddress} is unreachable: {error.Message}", retriable: true, error);
        }
    }

    private async ValueTask<ReadResult> ReadAsync(PipeReader reader, CancellationToken cancellationToken)
    {
        try
        {
            return await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception error) when (error is IOException or HttpRequestException && !cancellationToken.IsCancellationRequested)
        {
            throw new EngineFailureException(ErrorCodes.WorkerReset, $"engine at {BaseAddress} went away mid-stream: {error.Message}", retriable: true, error);
        }
    }

    /// <summary>
    /// The next line of <paramref name="buffer"/>, its search for a line break starting past the <paramref name="searched"/>
    /// bytes an earlier search found none in: a frame that comes in many reads is scanned once, not once per read.
    /// </summary>
    private static bool TryReadLine(ref ReadOnlySequence<byte> buffer, ref long searched, out ReadOnlySequence<byte> line)
    {
        var newline = (searched == 0 ? buffer : buffer.Slice(searched)).PositionOf((byte)'\n');
        if (newline is null)
        {
            searched = buffer.Length;
            line = default;
            return false;
        }
        searched = 0;
        line = buffer.Slice(0, newline.Value);
        buffer = buffer.Slice(buffer.GetPosition(1, newline.Value));
        return true;
    }

    private static EngineChunk? ParseDataLine(ReadOnlySequence<byte> line)
    {
        var span = line.IsSingleSegment ? line.FirstSpan : line.ToArray();
        if (span.Length > 0 && span[^1] == (byte)'\r') span = span[..^1];
        if (!span.StartsWith(DataPrefix)) return null; // blank separators, comments, other fields
        if (TryReadTokenFrame(span[DataPrefix.Length..], out var text, out var promptTokens)) return new EngineChunk(text, null, promptTokens);
        var chunk = JsonSerializer.Deserialize(span[DataPrefix.Length..], LlamaCppJsonContext.Default.CompletionChunk);
        if (chunk is null) return null;
        if (chunk.Error is { } error)
            throw new EngineFailureException(ErrorCodes.Internal, $"engine error: {error.Message}", retriable: true);
        if (!chunk.Stop) return new EngineChunk(chunk.Content ?? string.Empty, null, chunk.TokensEvaluated);

        var final = new EngineFinal(
            chunk.TokensEvaluated ?? 0,
            chunk.TokensPredicted ?? 0,
            StopReason(chunk.StopType),
            chunk.Timings?.PredictedMs ?? 0,
            // timings.cache_n where the engine says (llama-server's tokens_cached counts the generated tokens in the cache too);
            // else the prompt less what it evaluated this time.
            chunk.Timings?.CacheN ?? (chunk.TokensEvaluated is { } evaluated && chunk.Timings?.PromptN is { } fresh ? Math.Max(evaluated - fresh, 0) : null),
            chunk.StopType == "word" && !string.IsNullOrEmpty(chunk.StoppingWord) ? chunk.StoppingWord : null);
        return new EngineChunk(chunk.Content ?? string.Empty, final);
    }

    /// <summary>
    /// Reads a frame that only carries text (<c>stop</c> false or absent, no <c>error</c>), the one frame a token costs,
    /// with nothing allocated but the text: the serializer's record of every field cost several objects per token.
    /// False for any other frame (the final one, an error, anything unexpected), which then takes the serializer's way.
    /// <paramref name="promptTokens"/> is the frame's <c>tokens_evaluated</c> (llama-server and llorch-engine send the
    /// prompt's size with every token), null where it has none.
    /// </summary>
    internal static bool TryReadTokenFrame(ReadOnlySpan<byte> json, out string text, out int? promptTokens)
    {
        text = string.Empty;
        promptTokens = null;
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("stop"u8))
                {
                    if (!reader.Read() || reader.TokenType != JsonTokenType.False) return false;
                }
                else if (reader.ValueTextEquals("content"u8))
                {
                    if (!reader.Read() || reader.TokenType != JsonTokenType.String) return false;
                    text = reader.GetString()!;
                }
                else if (reader.ValueTextEquals("tokens_evaluated"u8))
                {
                    if (!reader.Read() || reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out var evaluated)) return false;
                    promptTokens = evaluated;
                }
                else if (reader.ValueTextEquals("error"u8))
                {
                    return false;
                }
                else if (!reader.Read() || !reader.TrySkip())
                {
                    return false;
                }
            }
            // Only a complete object ends the loop here; nothing may follow it but white space.
            return reader.TokenType == JsonTokenType.EndObject && reader.CurrentDepth == 0 && !reader.Read();
        }
        catch (Exception error) when (error is JsonException or InvalidOperationException)
        {
            // Malformed JSON, or text that is no valid UTF-16 (a lone surrogate's escape, invalid UTF-8), which GetString
            // refuses with InvalidOperationException: the serializer reports either as the engine's bad frame.
            return false;
        }
    }

    private static string StopReason(string? stopType) => stopType switch
    {
        "eos" => "eos",
        "word" => "stop_word",
        "limit" => "limit",
        null or "" or "none" => "limit",
        var other => other,
    };

    private Task<EngineFailureException> FailureFromAsync(HttpResponseMessage response, CancellationToken cancellationToken) =>
        ErrorAnswer.FailureAsync(response, $"engine at {BaseAddress}", ErrorMessageOf, cancellationToken);

    /// <summary>The message of llama.cpp's error shape; null for any other text, which is then reported as it is.</summary>
    private static string? ErrorMessageOf(string text)
    {
        try
        {
            return JsonSerializer.Deserialize(text, LlamaCppJsonContext.Default.ErrorResponse)?.Error?.Message;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

using System.Buffers;
using System.Globalization;
using System.Text.Json;
using LlamaOrch.EngineProtocol.Wire;

namespace LlamaOrch.EngineHost.Protocol;

/// <summary>
/// Writes completion frames straight into the response's buffer with one reused <see cref="Utf8JsonWriter"/> and
/// pre-encoded property names, so a token costs no allocation. Flushing is the caller's choice, which lets it
/// send several ready tokens in one write.
/// </summary>
internal sealed class CompletionFrameWriter
{
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = LlamaCppJsonContext.Relaxed.Options.Encoder,
    };

    private static readonly JsonEncodedText Content = JsonEncodedText.Encode("content");
    private static readonly JsonEncodedText Stop = JsonEncodedText.Encode("stop");
    private static readonly JsonEncodedText IdSlot = JsonEncodedText.Encode("id_slot");
    private static readonly JsonEncodedText TokensPredicted = JsonEncodedText.Encode("tokens_predicted");
    private static readonly JsonEncodedText TokensEvaluated = JsonEncodedText.Encode("tokens_evaluated");
    private static readonly JsonEncodedText StopTypeName = JsonEncodedText.Encode("stop_type");
    private static readonly JsonEncodedText StopLimit = JsonEncodedText.Encode("limit");
    private static readonly JsonEncodedText StopEos = JsonEncodedText.Encode("eos");
    private static readonly JsonEncodedText StopWord = JsonEncodedText.Encode("word");
    private static readonly JsonEncodedText StoppingWord = JsonEncodedText.Encode("stopping_word");
    private static readonly JsonEncodedText Timings = JsonEncodedText.Encode("timings");
    private static readonly JsonEncodedText PromptN = JsonEncodedText.Encode("prompt_n");
    private static readonly JsonEncodedText TokensCached = JsonEncodedText.Encode("tokens_cached");
    private static readonly JsonEncodedText CacheN = JsonEncodedText.Encode("cache_n");
    private static readonly JsonEncodedText PromptMs = JsonEncodedText.Encode("prompt_ms");
    private static readonly JsonEncodedText PredictedN = JsonEncodedText.Encode("predicted_n");
    private static readonly JsonEncodedText PredictedMs = JsonEncodedText.Encode("predicted_ms");
    private static readonly JsonEncodedText PredictedPerSecond = JsonEncodedText.Encode("predicted_per_second");
    private static readonly JsonEncodedText Model = JsonEncodedText.Encode("model");

    // The token frame around its two numbers and its piece, for pieces that need no escaping.
    private static ReadOnlySpan<byte> TokenFrameHead => "data: {\"content\":\""u8;
    private static ReadOnlySpan<byte> TokenFrameSlot => "\",\"stop\":false,\"id_slot\":"u8;
    private static ReadOnlySpan<byte> TokenFramePredicted => ",\"tokens_predicted\":"u8;
    private static ReadOnlySpan<byte> TokenFrameEvaluated => ",\"tokens_evaluated\":"u8;
    private static ReadOnlySpan<byte> TokenFrameTail => "}\n\n"u8;
    private const int MaxInt32Digits = 11; // "-2147483648"

    private readonly IBufferWriter<byte> _output;
    private readonly Utf8JsonWriter _json;
    private readonly JsonEncodedText _model;

    public CompletionFrameWriter(IBufferWriter<byte> output, string modelRef)
    {
        _output = output;
        _json = new Utf8JsonWriter(output, WriterOptions);
        _model = JsonEncodedText.Encode(modelRef, WriterOptions.Encoder);
    }

    /// <summary>
    /// <c>data: {"content":"…","stop":false,"id_slot":S,"tokens_predicted":k,"tokens_evaluated":p}</c> and a blank line:
    /// as llama-server's token frames, they carry the prompt's size, so a run cut short before its final frame still knows it.
    /// </summary>
    /// <remarks>
    /// A piece that needs no escaping (most of them) is copied between pre-encoded frame parts in one reservation of
    /// the output; the bytes are those <see cref="Utf8JsonWriter"/> writes for the same object, which the escaping
    /// pieces still go through.
    /// </remarks>
    public void WriteTokenFrame(ReadOnlySpan<byte> utf8Piece, int slotId, int tokensPredicted, int tokensEvaluated)
    {
        if (WriterOptions.Encoder!.FindFirstCharacterToEncodeUtf8(utf8Piece) >= 0)
        {
            WriteEscapedTokenFrame(utf8Piece, slotId, tokensPredicted, tokensEvaluated);
            return;
        }

        var length = TokenFrameHead.Length + utf8Piece.Length + TokenFrameSlot.Length + TokenFramePredicted.Length
            + TokenFrameEvaluated.Length + TokenFrameTail.Length + 3 * MaxInt32Digits;
        var span = _output.GetSpan(length);
        var at = Put(span, 0, TokenFrameHead);
        at = Put(span, at, utf8Piece);
        at = Put(span, at, TokenFrameSlot);
        at += FormatInt32(span[at..], slotId);
        at = Put(span, at, TokenFramePredicted);
        at += FormatInt32(span[at..], tokensPredicted);
        at = Put(span, at, TokenFrameEvaluated);
        at += FormatInt32(span[at..], tokensEvaluated);
        at = Put(span, at, TokenFrameTail);
        _output.Advance(at);
    }

    private void WriteEscapedTokenFrame(ReadOnlySpan<byte> utf8Piece, int slotId, int tokensPredicted, int tokensEvaluated)
    {
        _output.Write("data: "u8);
        _json.WriteStartObject();
        _json.WriteString(Content, utf8Piece);
        _json.WriteBoolean(Stop, false);
        _json.WriteNumber(IdSlot, slotId);
        _json.WriteNumber(TokensPredicted, tokensPredicted);
        _json.WriteNumber(TokensEvaluated, tokensEvaluated);
        _json.WriteEndObject();
        EndJson();
        _output.Write("\n\n"u8);
    }

    private static int Put(Span<byte> span, int at, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(span[at..]);
        return at + bytes.Length;
    }

    // As Utf8JsonWriter.WriteNumber writes an integer: invariant digits, a '-' when negative, nothing else.
    private static int FormatInt32(Span<byte> span, int value)
    {
        value.TryFormat(span, out var written, default, CultureInfo.InvariantCulture);
        return written;
    }

    /// <summary>The last SSE frame: empty content, <c>stop: true</c>, the counts and the timings.</summary>
    public void WriteFinalFrame(in CompletionResult result)
    {
        _output.Write("data: "u8);
        WriteFinalObject(result, []);
        _output.Write("\n\n"u8);
    }

    /// <summary>The reply of a completion without streaming: the final frame's fields around the whole text.</summary>
    public void WriteFinalObject(in CompletionResult result, ReadOnlySpan<byte> utf8Content)
    {
        var predictedMs = result.PredictedTime.TotalMilliseconds;
        _json.WriteStartObject();
        _json.WriteString(Content, utf8Content);
        _json.WriteBoolean(Stop, true);
        _json.WriteNumber(IdSlot, result.SlotId);
        _json.WriteNumber(TokensPredicted, result.TokensPredicted);
        _json.WriteNumber(TokensEvaluated, result.TokensEvaluated);
        _json.WriteNumber(TokensCached, result.TokensCached);
        _json.WriteString(StopTypeName, result.StopType switch
        {
            StopType.Eos => StopEos,
            StopType.Word => StopWord,
            _ => StopLimit,
        });
        // llama-server always sends it, empty unless a stop string ended generation.
        _json.WriteString(StoppingWord, result.StoppingWord ?? "");
        _json.WriteStartObject(Timings);
        _json.WriteNumber(CacheN, result.TokensCached); // reused from the slot's KV, as llama-server reports it
        _json.WriteNumber(PromptN, result.TokensEvaluated - result.TokensCached); // evaluated this time, as llama-server counts it
        _json.WriteNumber(PromptMs, result.PromptTime.TotalMilliseconds);
        _json.WriteNumber(PredictedN, result.TokensPredicted);
        _json.WriteNumber(PredictedMs, predictedMs);
        _json.WriteNumber(PredictedPerSecond, predictedMs > 0 ? result.TokensPredicted * 1000.0 / predictedMs : 0);
        _json.WriteEndObject();
        _json.WriteString(Model, _model);
        _json.WriteEndObject();
        EndJson();
    }

    // Hands the JSON to the output and readies the writer for the next top-level object.
    private void EndJson()
    {
        _json.Flush();
        _json.Reset();
    }
}

using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using LlamaOrch.Contracts;
using LlamaOrch.Core.Tasks;

namespace LlamaOrch.Server.Endpoints;

/// <summary>
/// The task API's framing: each task event as one complete SSE event (<c>event: NAME\ndata: JSON\n\n</c>).
/// <see cref="Instance"/> is the one key of these bytes in every task's log, so all readers of a task share them.
/// Thread-safe: the JSON writer is per thread.
/// </summary>
internal sealed class TaskSseEncoder : ITaskEventEncoder
{
    public static readonly TaskSseEncoder Instance = new();

    // Relaxed escaping keeps non-ASCII text readable and small; SSE has no HTML context to protect.
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
    };

    private static readonly JsonEncodedText TokenText = JsonEncodedText.Encode("t");
    private static readonly JsonEncodedText TokenIndex = JsonEncodedText.Encode("i");

    // The JSON goes through a scratch buffer, not straight into the log's: Utf8JsonWriter asks its output for
    // kilobytes of room at a time, which would leave every task's frames with that much slack.
    [ThreadStatic] private static ArrayBufferWriter<byte>? t_buffer;
    [ThreadStatic] private static Utf8JsonWriter? t_writer;

    private TaskSseEncoder()
    {
    }

    public void Encode(in TaskEventView taskEvent, IBufferWriter<byte> output)
    {
        var writer = Writer();
        var payload = taskEvent.Payload;
        var context = ContractsJsonContext.Default;
        switch (taskEvent.Kind)
        {
            case TaskEventKind.Token:
                WriteToken(writer, taskEvent.TokenUtf8, taskEvent.TokenIndex);
                Frame("event: token\ndata: "u8, output);
                return;
            case TaskEventKind.Started:
                Serialize(writer, payload, context.StartedFrame);
                Frame("event: started\ndata: "u8, output);
                return;
            case TaskEventKind.Metrics:
                Serialize(writer, payload, context.MetricsFrame);
                Frame("event: metrics\ndata: "u8, output);
                return;
            case TaskEventKind.Embedding:
                Serialize(writer, payload, context.EmbeddingFrame);
                Frame("event: embedding\ndata: "u8, output);
                return;
            case TaskEventKind.Score:
                Serialize(writer, payload, context.ScoreFrame);
                Frame("event: score\ndata: "u8, output);
                return;
            case TaskEventKind.End:
                Serialize(writer, payload, context.EndFrame);
                Frame("event: end\ndata: "u8, output);
                return;
            case TaskEventKind.Error:
                Serialize(writer, payload, context.ErrorEnvelope);
                Frame("event: error\ndata: "u8, output);
                return;
            default:
                throw new ArgumentOutOfRangeException(nameof(taskEvent), taskEvent.Kind, "no SSE framing for this task event");
        }
    }

    // Tokens are most of a stream: written by hand they need no TokenFrame, and the bytes are the serializer's.
    private static void WriteToken(Utf8JsonWriter writer, ReadOnlySpan<byte> text, int index)
    {
        writer.WriteStartObject();
        writer.WriteString(TokenText, text);
        writer.WriteNumber(TokenIndex, index);
        writer.WriteEndObject();
    }

    private static void Serialize<T>(Utf8JsonWriter writer, object? payload, JsonTypeInfo<T> typeInfo) =>
        JsonSerializer.Serialize(writer, (T)payload!, typeInfo);

    private static Utf8JsonWriter Writer()
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(256);
        buffer.ResetWrittenCount();
        var writer = t_writer ??= new Utf8JsonWriter(buffer, WriterOptions);
        writer.Reset(buffer);
        return writer;
    }

    /// <summary>Writes the event line, the JSON the writer holds as its data line, and the blank line that ends the event.</summary>
    private static void Frame(ReadOnlySpan<byte> head, IBufferWriter<byte> output)
    {
        t_writer!.Flush();
        var json = t_buffer!.WrittenSpan;
        var frame = output.GetSpan(head.Length + json.Length + 2);
        head.CopyTo(frame);
        json.CopyTo(frame[head.Length..]);
        "\n\n"u8.CopyTo(frame[(head.Length + json.Length)..]);
        output.Advance(head.Length + json.Length + 2);
    }
}

using System.Buffers;
using System.Text;
using System.Text.Json;
using LlamaOrch.Contracts.Anthropic;

namespace LlamaOrch.Server.Endpoints.Anthropic;

/// <summary>Writes Anthropic's stream events, <c>event: &lt;type&gt;\ndata: &lt;json&gt;\n\n</c>, into the response without flushing.</summary>
internal static class AnthropicSse
{
    private static readonly byte[] EventPrefix = "event: "u8.ToArray();
    private static readonly byte[] DataPrefix = "\ndata: "u8.ToArray();
    private static readonly byte[] End = "\n\n"u8.ToArray();

    public static void Write(IBufferWriter<byte> output, object streamEvent)
    {
        switch (streamEvent)
        {
            case MessageStartEvent e: Write(output, e.Type, e, AnthropicJsonContext.Default.MessageStartEvent); break;
            case ContentBlockStartEvent e: Write(output, e.Type, e, AnthropicJsonContext.Default.ContentBlockStartEvent); break;
            case ContentBlockDeltaEvent e: Write(output, e.Type, e, AnthropicJsonContext.Default.ContentBlockDeltaEvent); break;
            case ContentBlockStopEvent e: Write(output, e.Type, e, AnthropicJsonContext.Default.ContentBlockStopEvent); break;
            case MessageDeltaEvent e: Write(output, e.Type, e, AnthropicJsonContext.Default.MessageDeltaEvent); break;
            case BareEvent e: Write(output, e.Type, e, AnthropicJsonContext.Default.BareEvent); break;
            case AnthropicErrorResponse e: Write(output, "error", e, AnthropicJsonContext.Default.AnthropicErrorResponse); break;
            default: throw new ArgumentException($"not an Anthropic stream event: {streamEvent.GetType().Name}", nameof(streamEvent));
        }
    }

    private static void Write<T>(IBufferWriter<byte> output, string name, T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
    {
        output.Write(EventPrefix);
        Encoding.UTF8.GetBytes(name.AsSpan(), output);
        output.Write(DataPrefix);
        using (var json = new Utf8JsonWriter(output))
            JsonSerializer.Serialize(json, value, type);
        output.Write(End);
    }
}

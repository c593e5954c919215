using System.Text.Json.Serialization;

namespace LlamaOrch.Contracts.Anthropic;

// The data of each SSE event of a streamed message; the event's name is its `type`.

public sealed record MessageStartEvent(string Type, MessageResponse Message);

public sealed record ContentBlockStartEvent(string Type, int Index, ResponseContentBlock ContentBlock);

/// <summary><c>content_block_delta</c>: <c>text_delta</c> (<see cref="BlockDelta.Text"/>) or <c>input_json_delta</c> (<see cref="BlockDelta.PartialJson"/>).</summary>
public sealed record ContentBlockDeltaEvent(string Type, int Index, BlockDelta Delta);

public sealed record BlockDelta(
    string Type,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Text = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? PartialJson = null);

public sealed record ContentBlockStopEvent(string Type, int Index);

public sealed record MessageDeltaEvent(string Type, MessageDelta Delta, MessageUsage Usage);

public sealed record MessageDelta(string? StopReason, string? StopSequence);

/// <summary><c>ping</c> and <c>message_stop</c>, which carry nothing but their type.</summary>
public sealed record BareEvent(string Type);

using System.Text;
using System.Text.Json;
using LlamaOrch.Contracts.Anthropic;
using LlamaOrch.Contracts.Tasks;
using LlamaOrch.Core.Chat;

namespace LlamaOrch.Server.Endpoints.Anthropic;

/// <summary>
/// Turns a task's generated text into Anthropic content blocks: all text, or, when the request offers tools, text
/// and <c>tool_use</c> blocks as <see cref="ToolCallStreamParser"/> splits them. For a stream it also lists the
/// <c>content_block_*</c> events each piece of text makes, in order. One instance per answer.
/// </summary>
internal sealed class MessageAssembler(ToolCallStreamParser? parser, bool streaming)
{
    private readonly List<ChatDelta> _deltas = [];
    private readonly List<Block> _blocks = [];
    private readonly Dictionary<int, int> _blockOfCall = [];

    /// <summary>Stream events made since the last <see cref="TakeEvents"/>: content_block_start, _delta and _stop records.</summary>
    private readonly List<object> _events = [];

    private Block? Open => _blocks.Count > 0 && !_blocks[^1].Closed ? _blocks[^1] : null;

    public bool CalledTools => _blockOfCall.Count > 0;

    public void Push(string text)
    {
        if (parser is null)
        {
            AddText(text);
            return;
        }
        _deltas.Clear();
        parser.Push(text, _deltas);
        Apply();
    }

    /// <summary>The output has ended: what the parser held back, then every open block closed.</summary>
    public void Finish()
    {
        if (parser is not null)
        {
            _deltas.Clear();
            parser.Finish(_deltas);
            Apply();
        }
        CloseOpen();
    }

    public List<object> TakeEvents()
    {
        var taken = new List<object>(_events);
        _events.Clear();
        return taken;
    }

    public bool HasEvents => _events.Count > 0;

    /// <summary>The answer's blocks; a call whose arguments are not a JSON object stays visible as text.</summary>
    public List<ResponseContentBlock> Content()
    {
        var content = new List<ResponseContentBlock>(_blocks.Count);
        foreach (var block in _blocks)
        {
            if (block.ToolName is null)
            {
                content.Add(new ResponseContentBlock("text", Text: block.Text.ToString()));
                continue;
            }
            var arguments = block.Text.Length == 0 ? "{}" : block.Text.ToString();
            if (TryObject(arguments, out var input))
                content.Add(new ResponseContentBlock("tool_use", Id: block.ToolId, Name: block.ToolName, Input: input));
            else
                content.Add(new ResponseContentBlock("text", Text: arguments));
        }
        return content;
    }

    private void Apply()
    {
        foreach (var delta in _deltas)
        {
            if (delta.Content is { Length: > 0 } text) AddText(text);
            if (delta.ToolCall is { } call) AddCall(call);
        }
    }

    private void AddText(string text)
    {
        if (text.Length == 0) return;
        if (Open is not { ToolName: null } block)
        {
            CloseOpen();
            block = StartBlock(new Block(null, null));
        }
        block.Text.Append(text);
        if (streaming) _events.Add(new ContentBlockDeltaEvent("content_block_delta", _blocks.Count - 1, new BlockDelta("text_delta", Text: text)));
    }

    private void AddCall(ChatToolCallDelta call)
    {
        if (!_blockOfCall.TryGetValue(call.Index, out var index))
        {
            CloseOpen();
            StartBlock(new Block(NewToolUseId(), call.Name ?? string.Empty));
            index = _blocks.Count - 1;
            _blockOfCall[call.Index] = index;
        }
        if (call.ArgumentsFragment is not { Length: > 0 } fragment) return;
        _blocks[index].Text.Append(fragment);
        if (streaming) _events.Add(new ContentBlockDeltaEvent("content_block_delta", index, new BlockDelta("input_json_delta", PartialJson: fragment)));
    }

    private Block StartBlock(Block block)
    {
        _blocks.Add(block);
        if (streaming)
        {
            var start = block.ToolName is null
                ? new ResponseContentBlock("text", Text: string.Empty)
                : new ResponseContentBlock("tool_use", Id: block.ToolId, Name: block.ToolName, Input: EmptyObject);
            _events.Add(new ContentBlockStartEvent("content_block_start", _blocks.Count - 1, start));
        }
        return block;
    }

    private void CloseOpen()
    {
        if (Open is not { } block) return;
        block.Closed = true;
        if (streaming) _events.Add(new ContentBlockStopEvent("content_block_stop", _blocks.Count - 1));
    }

    /// <summary>
    /// Anthropic's stop reason for how the task ended. The engine names the stop string that matched (the end frame's
    /// <c>stop_word</c>): one of the request's <c>stop_sequences</c> is <c>stop_sequence</c> and named; one of the
    /// template's own stops (its end-of-turn marker) is <c>end_turn</c>. An engine that does not say leaves a stop string
    /// named only when the request has exactly one (docs/openai-anthropic.md).
    /// </summary>
    public (string StopReason, string? StopSequence) StopOf(EndFrame end, IReadOnlyList<string>? stopSequences) => end.StopReason switch
    {
        _ when CalledTools => ("tool_use", null),
        "limit" or "deadline" => ("max_tokens", null),
        "stop_word" when end.StopWord is { } word => stopSequences is not null && stopSequences.Contains(word) ? ("stop_sequence", word) : ("end_turn", null),
        "stop_word" when stopSequences is { Count: > 0 } sequences => ("stop_sequence", sequences.Count == 1 ? sequences[0] : null),
        _ => ("end_turn", null),
    };

    private static readonly JsonElement EmptyObject = JsonDocument.Parse("{}").RootElement.Clone();

    private static string NewToolUseId() => "toolu_" + Guid.NewGuid().ToString("N");

    private static bool TryObject(string json, out JsonElement value)
    {
        value = default;
        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Object) return false;
            value = document.RootElement.Clone();
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private sealed class Block(string? toolId, string? toolName)
    {
        public string? ToolId { get; } = toolId;
        public string? ToolName { get; } = toolName;
        public StringBuilder Text { get; } = new();
        public bool Closed { get; set; }
    }
}

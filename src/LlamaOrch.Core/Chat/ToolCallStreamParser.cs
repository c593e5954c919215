using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace LlamaOrch.Core.Chat;

/// <summary>
/// Splits a model's streamed output into text and tool calls in one template family's format. Text that may still
/// become a tool call is held back until it is clear; everything else passes at once. One instance per completion.
/// </summary>
/// <remarks>
/// Hermes: text that could be the start of <c>&lt;tool_call&gt;</c> is held; a call's element is held until
/// <c>&lt;/tool_call&gt;</c> and then becomes one call (a delta with id and name, then one with the whole arguments),
/// or, when its body is not a JSON object with a string <c>name</c> and object <c>arguments</c>, text as it was.
/// Blank text between or after calls is dropped. Llama 3: output whose first non-blank character is <c>{</c> is held to
/// the end, then is a call when it is exactly one object <c>{"name": …, "parameters"|"arguments": {…}}</c>, else text.
/// </remarks>
public sealed class ToolCallStreamParser(ToolCallFormat format)
{
    private const string OpenTag = "<tool_call>";
    private const string CloseTag = "</tool_call>";
    private const string IdAlphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    private readonly StringBuilder _held = new();
    private readonly StringBuilder _blankAfterCall = new();
    private bool _inCall;
    private bool? _llamaJson; // null while only blanks have come
    private int _calls;

    public ToolCallFormat Format { get; } = format;

    /// <summary>Feeds the next piece of output; appends what can be said of it now to <paramref name="output"/>.</summary>
    public void Push(string text, List<ChatDelta> output)
    {
        if (text.Length == 0) return;
        _held.Append(text);
        if (Format == ToolCallFormat.Hermes) ScanHermes(output, final: false);
        else ScanLlama(output);
    }

    /// <summary>The output has ended: flushes what was held back (an unfinished call becomes text).</summary>
    public void Finish(List<ChatDelta> output)
    {
        if (Format == ToolCallFormat.Hermes)
        {
            ScanHermes(output, final: true);
        }
        else if (_llamaJson == true && TryCall(_held.ToString(), "parameters", out var name, out var arguments))
        {
            EmitCall(name, arguments, output);
        }
        else
        {
            EmitText(_held.ToString(), output);
        }
        _held.Clear();
        _blankAfterCall.Clear();
    }

    private void ScanHermes(List<ChatDelta> output, bool final)
    {
        while (_held.Length > 0 || (final && _inCall))
        {
            var held = _held.ToString();
            if (!_inCall)
            {
                var open = held.IndexOf(OpenTag, StringComparison.Ordinal);
                if (open >= 0)
                {
                    EmitText(held[..open], output);
                    _held.Remove(0, open + OpenTag.Length);
                    _inCall = true;
                    continue;
                }

                var keep = final ? 0 : PartialTagLength(held, OpenTag);
                EmitText(held[..^keep], output);
                _held.Remove(0, held.Length - keep);
                return;
            }

            var close = held.IndexOf(CloseTag, StringComparison.Ordinal);
            if (close < 0 && !final) return;
            var body = close >= 0 ? held[..close] : held;
            if (TryCall(body, "arguments", out var name, out var arguments))
            {
                EmitCall(name, arguments, output);
            }
            else
            {
                EmitText(OpenTag + body + (close >= 0 ? CloseTag : ""), output);
            }
            _held.Remove(0, close >= 0 ? close + CloseTag.Length : held.Length);
            _inCall = false;
        }
    }

    private void ScanLlama(List<ChatDelta> output)
    {
        if (_llamaJson is null)
        {
            var first = _held.ToString().TrimStart();
            if (first.Length == 0) return;
            _llamaJson = first[0] == '{';
        }
        if (_llamaJson == true) return;
        EmitText(_held.ToString(), output);
        _held.Clear();
    }

    private void EmitText(string text, List<ChatDelta> output)
    {
        if (text.Length == 0) return;
        if (_calls > 0 && string.IsNullOrWhiteSpace(text))
        {
            // Blanks that separate calls say nothing; they are text only if more text follows.
            _blankAfterCall.Append(text);
            return;
        }
        if (_blankAfterCall.Length > 0)
        {
            text = _blankAfterCall + text;
            _blankAfterCall.Clear();
        }
        output.Add(new ChatDelta(text, null));
    }

    private void EmitCall(string name, string arguments, List<ChatDelta> output)
    {
        _blankAfterCall.Clear();
        var index = _calls++;
        output.Add(new ChatDelta(null, new ChatToolCallDelta(index, "call_" + RandomNumberGenerator.GetString(IdAlphabet, 24), name, null)));
        output.Add(new ChatDelta(null, new ChatToolCallDelta(index, null, null, arguments)));
    }

    /// <summary>Parses one call object; <paramref name="argumentsKey"/> or the other family's key carries the arguments.</summary>
    private static bool TryCall(string text, string argumentsKey, out string name, out string arguments)
    {
        (name, arguments) = ("", "");
        try
        {
            using var document = JsonDocument.Parse(text.Trim());
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("name", out var nameElement)
                || nameElement.ValueKind != JsonValueKind.String
                || string.IsNullOrEmpty(nameElement.GetString()))
            {
                return false;
            }
            var otherKey = argumentsKey == "arguments" ? "parameters" : "arguments";
            if (!root.TryGetProperty(argumentsKey, out var args) && !root.TryGetProperty(otherKey, out args))
            {
                return false;
            }
            // Some models write the arguments as a JSON string holding the object.
            if (args.ValueKind == JsonValueKind.String)
            {
                using var inner = JsonDocument.Parse(args.GetString()!);
                if (inner.RootElement.ValueKind != JsonValueKind.Object) return false;
                arguments = inner.RootElement.GetRawText();
            }
            else if (args.ValueKind == JsonValueKind.Object)
            {
                arguments = args.GetRawText();
            }
            else
            {
                return false;
            }
            name = nameElement.GetString()!;
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>The longest end of <paramref name="text"/> that is a proper start of <paramref name="tag"/>.</summary>
    private static int PartialTagLength(string text, string tag)
    {
        for (var length = Math.Min(tag.Length - 1, text.Length); length > 0; length--)
        {
            if (text.AsSpan(text.Length - length).SequenceEqual(tag.AsSpan(0, length))) return length;
        }
        return 0;
    }
}

/// <summary>A piece of the answer: text, or (part of) a tool call.</summary>
public readonly record struct ChatDelta(string? Content, ChatToolCallDelta? ToolCall);

/// <param name="Index">The call's position in the answer, from 0.</param>
/// <param name="Id">Set on a call's first delta (generated, <c>call_…</c>).</param>
/// <param name="Name">Set on a call's first delta.</param>
/// <param name="ArgumentsFragment">The next piece of the arguments' JSON text.</param>
public sealed record ChatToolCallDelta(int Index, string? Id, string? Name, string? ArgumentsFragment);

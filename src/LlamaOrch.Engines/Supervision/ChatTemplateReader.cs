using LlamaOrch.Core.Chat;
using LlamaOrch.EngineProtocol.Gguf;

namespace LlamaOrch.Engines.Supervision;

/// <summary>
/// What a GGUF says about chatting with its model, from the header alone (no tensor data is read): the Jinja text of
/// <c>tokenizer.chat_template</c> and the texts of the BOS and EOS tokens (their ids index <c>tokenizer.ggml.tokens</c>).
/// </summary>
internal static class ChatTemplateReader
{
    /// <summary>Null for a file that cannot be read as GGUF; facts with a null template for a model without one.</summary>
    public static ChatTemplateFacts? Read(string path)
    {
        GgufFile file;
        try
        {
            file = GgufReader.Read(path, verifyTensorData: false);
        }
        catch (Exception error) when (error is GgufFormatException or IOException or UnauthorizedAccessException)
        {
            return null;
        }
        return FromHeader(file);
    }

    public static ChatTemplateFacts FromHeader(GgufFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        var template = file.GetValue(GgufKeys.ChatTemplate)?.AsString();
        var tokens = file.GetValue(GgufKeys.TokenizerTokens) is { Type: GgufValueType.Array, ArrayElementType: GgufValueType.String } value
            ? value.GetArray<string>()
            : null;
        return new ChatTemplateFacts(template, TokenText(file, GgufKeys.TokenizerBosId, tokens), TokenText(file, GgufKeys.TokenizerEosId, tokens));
    }

    private static string? TokenText(GgufFile file, string idKey, IReadOnlyList<string>? tokens) =>
        tokens is not null && file.GetValue(idKey)?.AsInt64() is { } id && id >= 0 && id < tokens.Count ? tokens[(int)id] : null;
}

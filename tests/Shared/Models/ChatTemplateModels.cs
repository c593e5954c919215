using LlamaOrch.EngineProtocol.Gguf;

namespace LlamaOrch.Testing;

/// <summary>
/// Random-weight models that carry a real family's chat template and special tokens, written by
/// <see cref="RandomLlamaModelWriter"/> once per machine: ChatML/Qwen2.5 with Hermes tools, and Llama 3.1.
/// </summary>
internal static class ChatTemplateModels
{
    public static RandomChatVocabulary Qwen25 { get; } = new(
        ChatTemplateTexts.Qwen25Instruct, BosText: "<|endoftext|>", EosText: "<|im_end|>", ["<|im_start|>", "<|im_end|>", "<|endoftext|>"]);

    public static RandomChatVocabulary Llama31 { get; } = new(
        ChatTemplateTexts.Llama31Instruct, BosText: "<|begin_of_text|>", EosText: "<|eot_id|>",
        ["<|start_header_id|>", "<|end_header_id|>", "<|eom_id|>", "<|python_tag|>", "<|end_of_text|>"]);

    private static readonly Lazy<Task<string>> QwenFile = new(() => WriteAsync("qwen2.5", Qwen25));
    private static readonly Lazy<Task<string>> LlamaFile = new(() => WriteAsync("llama3.1", Llama31));

    public static Task<string> Qwen25PathAsync() => QwenFile.Value;

    public static Task<string> Llama31PathAsync() => LlamaFile.Value;

    private static async Task<string> WriteAsync(string family, RandomChatVocabulary chat)
    {
        var folder = Path.Combine(Path.GetTempPath(), "llorch-test-models");
        Directory.CreateDirectory(folder);
        // The template's hash names the file, so an edited template is never served from an old file.
        var digest = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(chat.Template)))[..12];
        var path = Path.Combine(folder, $"random-llama-{family}-chat-{digest}.gguf");
        if (!File.Exists(path))
            await RandomLlamaModelWriter.WriteFileAsync(path, LlamaModelShape.Stories260K, GgmlType.F32, seed: 21, chat: chat);
        return path;
    }
}

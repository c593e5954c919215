namespace LlamaOrch.Core.Chat;

/// <summary>What a model's GGUF says about chatting with it.</summary>
/// <param name="Template">The Jinja text of <c>tokenizer.chat_template</c>; null when the model has none.</param>
/// <param name="BosToken">The text of the begin-of-sequence token (templates write it as <c>bos_token</c>).</param>
/// <param name="EosToken">The text of the end-of-sequence token (<c>eos_token</c>).</param>
public sealed record ChatTemplateFacts(string? Template, string? BosToken, string? EosToken);

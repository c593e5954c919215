namespace LlamaOrch.EngineProtocol.Gguf;

/// <summary>
/// What a random model needs to chat like a real family: its <c>tokenizer.chat_template</c>, the texts of its BOS and
/// EOS tokens (templates write them as <c>bos_token</c>/<c>eos_token</c>) and the other control tokens its template
/// writes (<c>&lt;|im_start|&gt;</c>, <c>&lt;|eot_id|&gt;</c>, …), so that llama.cpp tokenizes them as one special token each.
/// </summary>
internal sealed record RandomChatVocabulary(string Template, string BosText, string EosText, IReadOnlyList<string> ControlTokens);

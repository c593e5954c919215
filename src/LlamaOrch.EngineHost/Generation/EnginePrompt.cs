namespace LlamaOrch.EngineHost.Generation;

/// <summary>
/// A completion's prompt as its model read it, once: the validator needs its length for the context check, and
/// the slot needs its tokens. Carrying both from one tokenization spares a second pass over the text before the
/// first token (the llama.cpp tokenizer is the only per-request work that grows with the prompt before decode).
/// </summary>
/// <param name="Text">The prompt as the client sent it.</param>
/// <param name="TokenCount">Its length in the model's tokens (a llama.cpp model's includes BOS).</param>
/// <param name="Tokens">Its tokens where the model has real ones (llama.cpp); null for the synthetic model, which reads the text.</param>
internal sealed record EnginePrompt(string Text, int TokenCount, int[]? Tokens);

namespace LlamaOrch.Core.Chat;

/// <summary>A conversation rendered for a completion model.</summary>
/// <param name="Prompt">The text to continue, special tokens written out as the template writes them, less a leading BOS (the engine's tokenizer adds it).</param>
/// <param name="ToolCallFormat">How this template family's model writes tool calls.</param>
/// <param name="Stop">Strings that end the assistant's turn (e.g. <c>&lt;|im_end|&gt;</c>) for engines that do not stop on them by themselves.</param>
/// <param name="UsedFallback">True when the model has no template and the documented ChatML fallback rendered it.</param>
public sealed record ChatPrompt(string Prompt, ToolCallFormat ToolCallFormat, IReadOnlyList<string> Stop, bool UsedFallback);

namespace LlamaOrch.EngineProtocol.Wire;

/// <summary>The body of <c>POST /tokenize</c>.</summary>
/// <param name="AddSpecial">
/// llama-server's <c>add_special</c>: count the BOS (and other special tokens) the model adds to a prompt. Its
/// default is false, which makes a prompt one token shorter than the engine will see it (issue 18, defect 4);
/// llorch-engine's default is true, and it honours an explicit false.
/// </param>
internal sealed record TokenizeRequest(string? Content, bool? AddSpecial = null);

namespace LlamaOrch.Cli.Commands;

/// <summary>What <c>llorch batch</c>'s options give every line that does not say otherwise.</summary>
internal sealed record BatchDefaults(string? Model, int? MaxTokens, string Priority);

namespace LlamaOrch.Bdd.Runner;

/// <summary>A step as it will run: outline placeholders filled in, its argument as a string or a <see cref="StepTable"/>.</summary>
internal sealed record PlannedStep(string Keyword, string Text, object? Argument, int Line);

namespace LlamaOrch.Bdd.Steps;

/// <summary>An expectation of a step that orchestratord's answer did not meet.</summary>
internal sealed class StepFailedException(string message) : Exception(message);

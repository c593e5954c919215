namespace LlamaOrch.Bdd.Runner;

/// <summary>A step definition that cannot be called as written (parameter count or type): the scenario fails.</summary>
internal sealed class StepBindingException(string message) : Exception(message);

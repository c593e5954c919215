namespace LlamaOrch.LlamaCpp;

/// <summary>llama.cpp refused an operation (a model that does not load, a decode that fails).</summary>
internal sealed class LlamaException(string message) : Exception(message);

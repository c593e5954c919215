namespace LlamaOrch.Cli;

/// <summary>An argument that is wrong before any request is sent (a file that is not there, JSON that does not parse); exit code 2.</summary>
internal sealed class UsageException(string message) : Exception(message);

namespace LlamaOrch.Server.Configuration;

/// <summary>Configuration that orchestratord refuses to start with; the message names the key and why.</summary>
internal sealed class ConfigurationException(string message) : Exception(message);

namespace LlamaOrch.EngineHost.Tests.Harness;

/// <summary>The outcome of an engine run that ended by itself.</summary>
internal sealed record EngineRun(int ExitCode, string Stdout, string Stderr);

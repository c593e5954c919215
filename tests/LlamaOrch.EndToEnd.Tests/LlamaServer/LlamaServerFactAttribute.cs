namespace LlamaOrch.EndToEnd.Tests.LlamaServer;

/// <summary>A test that needs a real llama-server: skipped, with the reason, where <see cref="LlamaServerBuild"/> finds none.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class LlamaServerFactAttribute : FactAttribute
{
    public LlamaServerFactAttribute()
    {
        // xunit 2 decides skips when it discovers tests: on the machine that runs them, which is where the build is or is not.
        if (LlamaServerBuild.Path is null) Skip = LlamaServerBuild.Missing;
    }
}

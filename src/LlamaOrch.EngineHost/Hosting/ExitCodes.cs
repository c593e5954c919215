namespace LlamaOrch.EngineHost.Hosting;

/// <summary>Process exit codes the orchestrator's supervisor tells apart.</summary>
internal static class ExitCodes
{
    public const int Success = 0;

    /// <summary>The engine could not start serving, for example because the port is taken.</summary>
    public const int StartFailed = 1;

    /// <summary>A bad command line or environment: restarting with the same arguments cannot help.</summary>
    public const int InvalidArguments = 2;

    /// <summary>The model could not be found or loaded; the message on stderr says why.</summary>
    public const int ModelLoadFailed = 3;
}

namespace LlamaOrch.EngineHost.Hosting;

/// <summary>The process whose life bounds the engine's (see <see cref="ParentProcessWatcher"/>).</summary>
internal sealed record ParentProcess(int Pid);

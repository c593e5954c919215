namespace LlamaOrch.Engines.Supervision;

/// <summary>
/// Which engine process serves a replica, for readers outside supervision (the GPU series match it against the
/// driver's per-process memory) that must not reach into the supervisor's internals.
/// </summary>
public interface IEngineProcesses
{
    /// <summary>Pid of this replica's engine while one runs; null while it is starting, restarting or gone.</summary>
    int? EngineProcessId(string replicaId);
}

namespace LlamaOrch.Bench.Scenarios;

/// <summary>
/// One layout at one queue depth: the admission window's POST→202 latencies and orchestratord CPU per admission, and
/// the dispatch cycles' latencies (cancel sent → <c>started</c> read) and CPU per cycle. CPU figures have the idle rate
/// measured just before (the running tasks' slow tokens, the housekeeping tick) taken out.
/// </summary>
internal sealed record ScaleResult(
    int Replicas,
    int Pools,
    int Slots,
    int Depth,
    IReadOnlyList<double> AdmissionMs,
    double CpuPerAdmissionMs,
    IReadOnlyList<double> DispatchMs,
    double CpuPerCycleMs,
    double IdleCpuPercent,
    int DepthAfter);

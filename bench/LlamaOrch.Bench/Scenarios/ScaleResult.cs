namespace LlamaOrch.Bench.Scenarios;

/// <summary>
/// One layout at one queue depth: the admission window's POST→202 latencies and orchestratord CPU per admission, and
/// the dispatch cycles' latencies (cancel sent → <c>started</c> read) and CPU per cycle. CPU figures are all the CPU
/// orchestratord used in the window over the operations in it; its idle rate, measured just before, is reported beside them.
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

using System.Globalization;
using LlamaOrch.Bench.Load;
using LlamaOrch.Bench.Scenarios;

namespace LlamaOrch.Bench.Report;

/// <summary>The scale run's table: per layout and queue depth, admission and dispatch latency and orchestratord CPU.</summary>
internal static class ScaleTable
{
    public static void Print(TextWriter output, BenchOptions options, IReadOnlyList<ScaleResult> results)
    {
        output.WriteLine();
        output.WriteLine($"Scale: {options.ScaleModel}, every slot held by a running task; {options.ScaleAdmissions} admissions by 4 clients and {options.ScaleDispatches} dispatch cycles per row");
        output.WriteLine("admission = POST /v1/tasks -> 202, queued behind the depth; dispatch = cancel of a running task sent -> started frame of the interactive task that takes its slot");
        output.WriteLine("cpu = orchestratord CPU per admission / per cycle (admit + stream + cancel + release + dispatch), all of it in the window; idle = its CPU in 2 quiet s before, % of a core");
        output.WriteLine("replicas pools slots  depth   adm p50   adm p99  cpu/adm   disp p50  disp p99  cpu/cycle  idle cpu  depth after");
        foreach (var result in results) output.WriteLine(Row(result));
    }

    /// <summary>One row of the table; the run also prints it as progress, so that an interrupted run leaves what it measured.</summary>
    public static string Row(ScaleResult r) => string.Create(CultureInfo.InvariantCulture,
        $"{r.Replicas,8} {r.Pools,5} {r.Slots,5} {r.Depth,6} {Format.Ms(Percentiles.Of(r.AdmissionMs, 50)),9} {Format.Ms(Percentiles.Of(r.AdmissionMs, 99)),9} {Format.Ms(r.CpuPerAdmissionMs),8} {Format.Ms(Percentiles.Of(r.DispatchMs, 50)),10} {Format.Ms(Percentiles.Of(r.DispatchMs, 99)),9} {Format.Ms(r.CpuPerCycleMs),10} {Format.Percent(r.IdleCpuPercent),9} {r.DepthAfter,12}");
}

using System.Diagnostics;
using System.Globalization;
using LlamaOrch.Core.Pools;
using LlamaOrch.Core.Tasks;
using LlamaOrch.EngineProtocol.Telemetry;

namespace LlamaOrch.Engines.Supervision;

/// <summary>
/// How a replica's engine process is started: which executable, with which llama-server style arguments
/// and environment (see <see cref="EngineEnvironment"/>). The same arguments start a real llama-server, so
/// either can be a pool's engine.
/// </summary>
internal static class EngineLaunch
{
    public const string BundledEngineName = "llorch-engine";

    /// <summary>
    /// The engine process for <paramref name="pool"/>, serving <paramref name="model"/> (a resolved file or a
    /// sim: ref) on <paramref name="device"/>: "cpu" or the index of the one GPU it may see.
    /// </summary>
    public static ProcessStartInfo For(PoolConfig pool, string model, int port, string device)
    {
        var (fileName, leadingArgs) = Executable(pool.EngineCommand);
        var start = new ProcessStartInfo(fileName)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            CreateNoWindow = true,
        };
        foreach (var arg in leadingArgs) start.ArgumentList.Add(arg);
        foreach (var arg in new[]
                 {
                     "-m", model,
                     "--host", "127.0.0.1",
                     "--port", port.ToString(CultureInfo.InvariantCulture),
                     "-np", pool.Slots.ToString(CultureInfo.InvariantCulture),
                     "-c", ((long)pool.Ctx * pool.Slots).ToString(CultureInfo.InvariantCulture),
                     "-t", pool.Threads.ToString(CultureInfo.InvariantCulture),
                 })
        {
            start.ArgumentList.Add(arg);
        }
        if (pool.Workloads.Contains(Workload.Embedding)) start.ArgumentList.Add("--embedding");
        if (pool.Workloads.Contains(Workload.Rerank)) start.ArgumentList.Add("--reranking");
        // llama-server's --reranking is rank pooling for the whole server: pooling for embeddings would undo it.
        else if (pool.Workloads.Contains(Workload.Embedding))
        {
            start.ArgumentList.Add("--pooling");
            start.ArgumentList.Add(EmbeddingPooling.Of(model));
        }
        var onGpu = device != DevicePlacement.Cpu;
        if (onGpu && !pool.EngineArgs.Any(a => a is "-ngl" or "--n-gpu-layers" or "--gpu-layers"))
        {
            start.ArgumentList.Add("-ngl");
            start.ArgumentList.Add("999");
        }
        foreach (var arg in pool.EngineArgs) start.ArgumentList.Add(arg);

        EngineEnvironment.Apply(start.Environment, Environment.GetEnvironmentVariables());
        // The engine exits by itself if orchestratord dies without stopping it (no orphans).
        start.Environment["LLORCH_PARENT_PID"] = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        // The replica sees only its own card; a CPU replica sees none, so a CUDA build cannot take VRAM unaccounted.
        start.Environment["CUDA_VISIBLE_DEVICES"] = onGpu ? device : string.Empty;
        // nvidia-smi numbers GPUs in PCI bus order, CUDA fastest first unless told otherwise: make them agree.
        start.Environment["CUDA_DEVICE_ORDER"] = "PCI_BUS_ID";
        // Its spans are told apart from orchestratord's by the service name, so orchestratord's own is not passed on.
        start.Environment[OtlpSwitch.ServiceName] = OtlpSwitch.EngineServiceName;
        return start;
    }

    /// <summary>
    /// A configured command, or the llorch-engine built beside orchestratord (<c>engine/</c>). A .dll runs
    /// under the same dotnet host as orchestratord, so no apphost or DOTNET_ROOT setup is needed.
    /// </summary>
    public static (string FileName, IReadOnlyList<string> LeadingArgs) Executable(string? configured)
    {
        var path = configured ?? Path.Combine(AppContext.BaseDirectory, "engine", BundledEngineName + ".dll");
        return path.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) ? (DotnetHost(), [path]) : (path, []);
    }

    private static string DotnetHost()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host) return host;
        var current = Environment.ProcessPath;
        return current is not null && Path.GetFileNameWithoutExtension(current) == "dotnet" ? current : "dotnet";
    }
}

using System.Globalization;
using System.Text.Json;

namespace LlamaOrch.Bench.Processes;

/// <summary>
/// The runtime settings orchestratord's build ships in its <c>orchestratord.runtimeconfig.json</c> (server GC, the thread
/// pool's spin limit), as environment variables for another .NET process: a baseline that stands in for orchestratord's
/// hop must schedule and collect as orchestratord does, or the difference measured is partly the runtime's settings.
/// </summary>
internal static class OrchestratorRuntime
{
    /// <summary>runtimeconfig property → the DOTNET_ variable that sets the same thing.</summary>
    private static readonly (string Property, string Variable)[] Known =
    [
        ("System.GC.Server", "DOTNET_gcServer"),
        ("System.GC.Concurrent", "DOTNET_gcConcurrent"),
        ("System.Threading.ThreadPool.UnfairSemaphoreSpinLimit", "DOTNET_ThreadPool_UnfairSemaphoreSpinLimit"),
    ];

    /// <summary>
    /// The known settings of <paramref name="orchestratorDll"/>'s runtimeconfig, then the <c>DOTNET_</c> variables of
    /// <c>--orch-env</c> over them (those change orchestratord's runtime too).
    /// </summary>
    public static Dictionary<string, string> Environment(string orchestratorDll, IReadOnlyDictionary<string, string> orchestratorEnvironment)
    {
        var environment = new Dictionary<string, string>();
        var config = Path.ChangeExtension(orchestratorDll, ".runtimeconfig.json");
        if (File.Exists(config))
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(config));
            if (document.RootElement.TryGetProperty("runtimeOptions", out var options) && options.TryGetProperty("configProperties", out var properties))
            {
                foreach (var (property, variable) in Known)
                {
                    if (!properties.TryGetProperty(property, out var value)) continue;
                    environment[variable] = value.ValueKind switch
                    {
                        JsonValueKind.True => "1",
                        JsonValueKind.False => "0",
                        // DOTNET_ variables holding numbers are read as hexadecimal.
                        JsonValueKind.Number => value.GetInt64().ToString("x", CultureInfo.InvariantCulture),
                        _ => value.ToString(),
                    };
                }
            }
        }
        foreach (var (name, value) in orchestratorEnvironment)
        {
            if (name.StartsWith("DOTNET_", StringComparison.Ordinal)) environment[name] = value;
        }
        return environment;
    }

    public static string Describe(IReadOnlyDictionary<string, string> environment) =>
        environment.Count == 0 ? "the runtime's defaults" : string.Join(" ", environment.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => $"{e.Key}={e.Value}"));
}

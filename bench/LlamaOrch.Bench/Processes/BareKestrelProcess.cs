using System.Diagnostics;
using System.Globalization;

namespace LlamaOrch.Bench.Processes;

/// <summary>
/// llorch-bare (bench/LlamaOrch.BareKestrel): Kestrel with fixed answers, the baseline each ratio is a share of; started
/// with an engine, also a relay with no logic in front of it (<c>POST /relay/v1/tasks</c>).
/// </summary>
internal sealed class BareKestrelProcess
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(30);

    private BareKestrelProcess(ChildProcess child, Uri baseAddress)
    {
        Child = child;
        BaseAddress = baseAddress;
    }

    public ChildProcess Child { get; }

    public Uri BaseAddress { get; }

    public int Pid => Child.Pid;

    /// <summary>
    /// Starts it with the sim engine's rate and the bench's max_tokens, so its stream has the same frames at the same pace;
    /// with <paramref name="engine"/>, its relay sends that engine the completion request of the bench's task
    /// (<paramref name="prompt"/>, <paramref name="tokens"/> as n_predict). <paramref name="environment"/> is added to its own.
    /// </summary>
    public static async Task<BareKestrelProcess> StartAsync(
        ChildProcesses children, RepoLayout layout, double tokensPerSecond, int tokens, HttpClient http, CancellationToken cancellationToken,
        Uri? engine = null, string? prompt = null, string name = "bare", IReadOnlyDictionary<string, string>? environment = null)
    {
        var port = FreePort.Next();
        List<string> args =
        [
            "--port", port.ToString(CultureInfo.InvariantCulture),
            "--tps", tokensPerSecond.ToString(CultureInfo.InvariantCulture),
            "--tokens", tokens.ToString(CultureInfo.InvariantCulture),
        ];
        if (engine is not null) args.AddRange(["--engine", engine.ToString()]);
        if (prompt is not null) args.AddRange(["--prompt", prompt]);
        var child = children.StartDotnet(name, layout.DotnetHost, layout.BareDll, args, workingDirectory: Path.GetDirectoryName(layout.BareDll)!, environment);
        var baseAddress = new Uri($"http://127.0.0.1:{port}/");
        var started = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(started) < ReadyTimeout)
        {
            if (child.HasExited) throw new BenchSetupException($"llorch-bare exited during start: {child.Tail()}");
            try
            {
                using var health = await http.GetAsync(new Uri(baseAddress, "health"), cancellationToken);
                if (health.IsSuccessStatusCode) return new BareKestrelProcess(child, baseAddress);
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            await Task.Delay(50, cancellationToken);
        }
        throw new BenchSetupException($"llorch-bare did not answer /health within {ReadyTimeout.TotalSeconds:0} s: {child.Tail()}");
    }
}

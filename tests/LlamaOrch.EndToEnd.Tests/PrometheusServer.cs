using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using LlamaOrch.Engines.Supervision;

namespace LlamaOrch.EndToEnd.Tests;

/// <summary>
/// A real Prometheus server (the Debian package's <c>prometheus</c>) of this test alone: its own config, which
/// scrapes one target every second, its own TSDB folder and a free port on 127.0.0.1. Disposing kills it and
/// deletes the folder, so no Prometheus outlives the test.
/// </summary>
internal sealed class PrometheusServer : IAsyncDisposable
{
    public const string Job = "llama-orch";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly string _dir;
    private readonly StringBuilder _log;

    private PrometheusServer(Process process, string dir, StringBuilder log, Uri address)
    {
        _process = process;
        _dir = dir;
        _log = log;
        Http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = address, Timeout = Patience };
    }

    public HttpClient Http { get; }

    /// <summary>Starts Prometheus scraping <paramref name="target"/>'s <c>/metrics</c> (no token: orchestratord
    /// leaves it open on loopback) and waits until it is ready.</summary>
    public static async Task<PrometheusServer> StartAsync(Uri target)
    {
        var binary = PrometheusTools.Require("prometheus");
        var dir = Directory.CreateTempSubdirectory("llorch-prometheus-").FullName;
        var config = Path.Combine(dir, "prometheus.yml");
        await File.WriteAllTextAsync(config, $"""
            global:
              scrape_interval: 1s
              scrape_timeout: 1s
            scrape_configs:
              - job_name: {Job}
                static_configs:
                  - targets: ["{target.Authority}"]
            """);
        var port = FreePort.Next();
        var start = new ProcessStartInfo(binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = dir,
        };
        foreach (var arg in new[] { $"--config.file={config}", $"--web.listen-address=127.0.0.1:{port}", $"--storage.tsdb.path={Path.Combine(dir, "data")}" })
            start.ArgumentList.Add(arg);
        var process = Process.Start(start)!;
        var log = new StringBuilder();
        DataReceivedEventHandler collect = (_, e) => { lock (log) log.AppendLine(e.Data); };
        process.OutputDataReceived += collect;
        process.ErrorDataReceived += collect;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var server = new PrometheusServer(process, dir, log, new Uri($"http://127.0.0.1:{port}"));
        try
        {
            await server.WaitReadyAsync();
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Runs an instant query; a PromQL error (Prometheus answers 400 <c>bad_data</c>) comes back as <see cref="Answer.Error"/>.</summary>
    public async Task<Answer> QueryAsync(string promql)
    {
        using var response = await Http.GetAsync("/api/v1/query?query=" + Uri.EscapeDataString(promql));
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        if (body["status"]!.GetValue<string>() != "success")
            return new Answer(promql, $"{body["errorType"]}: {body["error"]}", []);
        var samples = body["data"]!["result"]!.AsArray().Select(s => new Sample(
            s!["metric"]!.AsObject().ToDictionary(l => l.Key, l => l.Value!.GetValue<string>()),
            Value(s["value"]![1]!.GetValue<string>()))).ToList();
        return new Answer(promql, null, samples);
    }

    /// <summary>Queries until the answer meets <paramref name="condition"/> (new scrapes land every second);
    /// fails with the last answer and Prometheus's view of its target when it never does.</summary>
    public async Task<Answer> QueryUntilAsync(string promql, Func<IReadOnlyList<Sample>, bool> condition)
    {
        using var deadline = new CancellationTokenSource(Patience);
        while (true)
        {
            var answer = await QueryAsync(promql);
            Assert.True(answer.Error is null, $"{promql}: {answer.Error}");
            if (condition(answer.Samples)) return answer;
            if (deadline.IsCancellationRequested)
            {
                var targets = await Http.GetStringAsync("/api/v1/targets");
                Assert.Fail($"{promql} never met the condition; last answer: {string.Join("; ", answer.Samples)}\ntargets: {targets}\nprometheus log:\n{Log()}");
            }
            await Task.Delay(200);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private async Task WaitReadyAsync()
    {
        using var timeout = new CancellationTokenSource(Patience);
        while (true)
        {
            if (_process.HasExited) Assert.Fail($"prometheus exited with {_process.ExitCode}:\n{Log()}");
            try
            {
                using var ready = await Http.GetAsync("/-/ready", timeout.Token);
                if (ready.StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            await Task.Delay(100, timeout.Token);
        }
    }

    /// <summary>A sample value as the query API writes it: a float, <c>NaN</c>, <c>+Inf</c> or <c>-Inf</c>.</summary>
    private static double Value(string text) => text switch
    {
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        _ => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture),
    };

    private string Log()
    {
        lock (_log) return _log.ToString();
    }

    /// <param name="Error">Null on success; otherwise Prometheus's error type and message.</param>
    public sealed record Answer(string Query, string? Error, IReadOnlyList<Sample> Samples);

    public sealed record Sample(IReadOnlyDictionary<string, string> Labels, double Value)
    {
        public override string ToString() => $"{{{string.Join(",", Labels.Select(l => $"{l.Key}=\"{l.Value}\""))}}} {Value}";
    }
}

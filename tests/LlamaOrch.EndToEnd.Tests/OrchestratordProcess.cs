using LlamaOrch.Testing;
using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;

namespace LlamaOrch.EndToEnd.Tests;

/// <summary>Runs the real orchestratord executable as its own process, as an operator would, and looks at its children.</summary>
internal static class OrchestratordProcess
{
    /// <summary>
    /// Starts orchestratord with <paramref name="args"/>, stdout and stderr redirected (the caller reads them).
    /// LLORCH_API_TOKEN is not inherited from the test run; <paramref name="environment"/> adds variables.
    /// </summary>
    /// <param name="workingDirectory">Where it is started from (relative paths typed on its command line resolve there).</param>
    public static Process Start(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        start.ArgumentList.Add(OrchestratordDll());
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment.Remove("LLORCH_API_TOKEN");
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;
        return Process.Start(start)!;
    }

    /// <summary>orchestratord as built in its own project, with its engine/ folder beside it.</summary>
    private static string OrchestratordDll()
    {
        var testDir = new DirectoryInfo(AppContext.BaseDirectory);
        var configuration = testDir.Parent!.Name; // bin/<Configuration>/net10.0/
        return RepoPaths.InRepo("src", "LlamaOrch.Server", "bin", configuration, testDir.Name, "orchestratord.dll");
    }

    /// <summary>Collects stdout line by line; lock the builder to read it.</summary>
    public static StringBuilder CollectStdout(Process process)
    {
        var log = new StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        return log;
    }

    public static List<int> ChildProcessIds(int parent) =>
        Directory.EnumerateDirectories("/proc")
            .Select(Path.GetFileName)
            .Where(name => int.TryParse(name, out _))
            .Select(int.Parse!)
            .Where(pid => ParentOf(pid) == parent)
            .ToList();

    private static int? ParentOf(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("PPid:", StringComparison.Ordinal));
            return line is null ? null : int.Parse(line[5..].Trim());
        }
        catch (IOException)
        {
            return null;
        }
    }

    public static bool IsAlive(int pid) => File.Exists($"/proc/{pid}/status") && !File.ReadAllText($"/proc/{pid}/status").Contains("State:\tZ");

    /// <summary>Sends a signal ("TERM", "STOP", "CONT", "KILL") with kill(1); returns its exit code.</summary>
    public static int Kill(int pid, string signal)
    {
        using var kill = Process.Start("kill", ["-" + signal, pid.ToString()]);
        kill.WaitForExit();
        return kill.ExitCode;
    }

    /// <summary>POST /v1/tasks with this body (the client carries the token).</summary>
    public static Task<HttpResponseMessage> PostTaskAsync(HttpClient http, JsonObject body) =>
        http.PostAsync("/v1/tasks", new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));

    public static async Task WaitReadyAsync(HttpClient http) =>
        await WaitForAsync(async () =>
        {
            try
            {
                return (await http.GetStringAsync("/health")).Contains("\"ready\":true");
            }
            catch (HttpRequestException)
            {
                return false;
            }
        });

    public static Task WaitForAsync(Func<bool> condition) => WaitForAsync(() => Task.FromResult(condition()));

    public static async Task WaitForAsync(Func<Task<bool>> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (!await condition()) await Task.Delay(50, timeout.Token);
    }
}

using System.Diagnostics;
using LlamaOrch.Testing;

namespace LlamaOrch.Client.Tests;

/// <summary>
/// The llorch executable as built beside these tests (src/LlamaOrch.Cli/bin/…/llorch.dll), run as its own process, as a
/// person or a script runs it: arguments, optional stdin, stdout and stderr captured, the exit code.
/// </summary>
internal static class LiveCli
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

    public static string Dll
    {
        get
        {
            var testDir = new DirectoryInfo(AppContext.BaseDirectory);
            return RepoPaths.InRepo("src", "LlamaOrch.Cli", "bin", testDir.Parent!.Name, testDir.Name, "llorch.dll");
        }
    }

    /// <summary>The arguments that point llorch at a server with its token (appended after the command's own).</summary>
    public static string[] Target(Uri url, string token) => ["--url", url.ToString(), "--token", token];

    public static Process Start(IEnumerable<string> args, bool redirectStdin = false)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = redirectStdin,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Dll);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment.Remove("LLORCH_API_TOKEN");
        start.Environment.Remove("LLORCH_URL");
        return Process.Start(start)!;
    }

    /// <summary>Runs llorch to its end; <paramref name="stdin"/>, when given, is written and closed first.</summary>
    public static async Task<(int Code, string Stdout, string Stderr)> RunAsync(IEnumerable<string> args, string? stdin = null)
    {
        using var process = Start(args, redirectStdin: stdin is not null);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
            process.StandardInput.Close();
        }
        using var patience = new CancellationTokenSource(Patience);
        try
        {
            await process.WaitForExitAsync(patience.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"llorch {string.Join(' ', args)} did not end in {Patience.TotalSeconds} s; stderr: {await stderr}");
        }
        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Polls <paramref name="condition"/> until it holds; fails after a generous bound (never a timing assertion).</summary>
    public static async Task WaitForAsync(Func<Task<bool>> condition, string what)
    {
        using var patience = new CancellationTokenSource(Patience);
        while (!await condition())
        {
            try
            {
                await Task.Delay(50, patience.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"gave up waiting until {what}");
            }
        }
    }
}

using System.Diagnostics;
using System.Text;
using System.Text.Json;
using LlamaOrch.EndToEnd.Tests;
using LlamaOrch.Testing;

namespace LlamaOrch.Client.Tests.Cli;

/// <summary>What one llorch process did: its exit code and everything it wrote.</summary>
internal sealed record LlorchResult(int Code, string Stdout, string Stderr)
{
    /// <summary>Stdout as the one JSON document <c>--json</c> promises (fails the test when it is anything else).</summary>
    public JsonElement Json
    {
        get
        {
            Assert.True(Code == 0, $"exit {Code}: {Stderr}");
            using var document = JsonDocument.Parse(Stdout);
            return document.RootElement.Clone();
        }
    }

    public override string ToString() => $"exit {Code}\nstdout: {Stdout}\nstderr: {Stderr}";
}

/// <summary>
/// Runs the built llorch (its own process, from its own output folder) as a user would: stdout and stderr redirected,
/// no <c>LLORCH_*</c> from the test's environment, <paramref name="address"/> and the test token as options unless a test says otherwise.
/// </summary>
internal sealed class Llorch(Uri address)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    /// <summary>The path of llorch.dll built beside this test assembly's configuration.</summary>
    public static string Dll
    {
        get
        {
            var testDir = new DirectoryInfo(AppContext.BaseDirectory);
            return RepoPaths.InRepo("src", "LlamaOrch.Cli", "bin", testDir.Parent!.Name, testDir.Name, "llorch.dll");
        }
    }

    public Task<LlorchResult> RunAsync(params string[] args) => RunAsync(args, new LlorchStart());

    public async Task<LlorchResult> RunAsync(string[] args, LlorchStart start)
    {
        using var process = Start(args, start);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (start.Stdin is { } input) await process.StandardInput.WriteAsync(input);
        process.StandardInput.Close();
        using var patience = new CancellationTokenSource(Patience);
        await process.WaitForExitAsync(patience.Token);
        return new LlorchResult(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Starts llorch and hands back the process, for a test that watches stderr while it runs.</summary>
    public Process Start(string[] args, LlorchStart start)
    {
        var info = new ProcessStartInfo(start.Executable ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        if (start.Executable is null) info.ArgumentList.Add(Dll);
        foreach (var arg in args) info.ArgumentList.Add(arg);
        if (!start.OmitUrl)
        {
            info.ArgumentList.Add("--url");
            info.ArgumentList.Add(start.Url ?? address.ToString());
        }
        if (!start.OmitToken)
        {
            info.ArgumentList.Add("--token");
            info.ArgumentList.Add(start.Token ?? Orchestrator.Token);
        }
        info.Environment.Remove("LLORCH_API_TOKEN");
        info.Environment.Remove("LLORCH_URL");
        info.Environment.Remove("NO_COLOR");
        // Never the token file of whoever runs the tests: a test that wants one gives its own data folder.
        info.Environment["XDG_DATA_HOME"] = start.DataHome ?? Path.Combine(Path.GetTempPath(), "llorch-cli-tests-no-data");
        foreach (var (name, value) in start.Environment) info.Environment[name] = value;
        return Process.Start(info)!;
    }
}

/// <summary>How to start one llorch: by default with the test server's URL and token as options.</summary>
internal sealed record LlorchStart
{
    public string? Url { get; init; }

    public string? Token { get; init; }

    /// <summary>No <c>--url</c>: llorch takes <c>$LLORCH_URL</c> or its default.</summary>
    public bool OmitUrl { get; init; }

    /// <summary>No <c>--token</c>: llorch looks in <c>$LLORCH_API_TOKEN</c>, then the token file.</summary>
    public bool OmitToken { get; init; }

    public string? Stdin { get; init; }

    /// <summary>XDG_DATA_HOME for the process: where it finds orchestratord's token file (<c>llama-orch/api-token</c>).</summary>
    public string? DataHome { get; init; }

    /// <summary>Another program than <c>dotnet llorch.dll</c> (the installed tool).</summary>
    public string? Executable { get; init; }

    public Dictionary<string, string> Environment { get; init; } = [];
}

using System.Diagnostics;
using LlamaOrch.EndToEnd.Tests;

namespace LlamaOrch.Client.Tests.Cli;

/// <summary>
/// Colours only for a person at a terminal: llorch under a pseudo-terminal (<c>script</c>) colours its states, and
/// does not when <c>NO_COLOR</c> is set; a pipe never gets escape codes (the other tests read stdout through one).
/// </summary>
[Collection(CliServer.Name)]
public sealed class CliColourTests(SimServer server)
{
    /// <summary>A colour or style sequence (SGR); .NET's own terminal setup (keypad mode) is not one.</summary>
    private const string Sgr = @"\u001b\[[0-9;]*m";

    [Fact]
    public async Task A_terminal_gets_colours_unless_NO_COLOR_is_set()
    {
        var coloured = await UnderTerminalAsync(noColor: false);
        Assert.Contains("fast", coloured);
        Assert.Matches(Sgr, coloured);

        var plain = await UnderTerminalAsync(noColor: true);
        Assert.Contains("fast", plain);
        Assert.DoesNotMatch(Sgr, plain);
    }

    /// <summary>What <c>llorch pool health fast</c> wrote to its terminal, as <c>script</c> recorded it.</summary>
    private async Task<string> UnderTerminalAsync(bool noColor)
    {
        var command = string.Join(' ', new[] { "dotnet", Llorch.Dll, "pool", "health", "fast", "--url", server.Orchestrator.Address.ToString(), "--token", Orchestrator.Token }
            .Select(a => "'" + a.Replace("'", "'\\''", StringComparison.Ordinal) + "'"));
        var start = new ProcessStartInfo("script") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (var arg in new[] { "-q", "-e", "-c", command, "/dev/null" }) start.ArgumentList.Add(arg);
        start.Environment["TERM"] = "xterm-256color";
        start.Environment.Remove("NO_COLOR");
        if (noColor) start.Environment["NO_COLOR"] = "1";
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(patience.Token);
        Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}: {await stdout} {await stderr}");
        return await stdout;
    }
}

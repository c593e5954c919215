using System.Diagnostics;
using System.Text;
using LlamaOrch.Bdd.Runner;
using LlamaOrch.Bdd.Target;

namespace LlamaOrch.Bdd.Steps;

/// <summary>
/// A second orchestratord, started with the arguments a scenario gives, for what happens at start: a configuration
/// it must refuse ends it before it listens. It never gets the runner's token, and is killed if it does not exit.
/// </summary>
internal sealed class StartupSteps(ScenarioContext context)
{
    private readonly ApiWorld _world = context.Get<ApiWorld>();
    private int? _exitCode;
    private string _output = "";

    [Step(@"orchestratord is started with ""([^""]+)"" and no API token")]
    public async Task Start(string arguments)
    {
        var dll = RepoLayout.OrchestratordDll();
        if (!File.Exists(dll)) throw new StepFailedException($"{dll} is not built");
        var dataDir = Directory.CreateTempSubdirectory("llorch-bdd-start-").FullName;
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(dll);
        foreach (var arg in arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries)) start.ArgumentList.Add(arg);
        start.ArgumentList.Add($"--Orchestrator:DataDir={dataDir}");
        start.ArgumentList.Add("--Orchestrator:Pools:0:Id=p");
        start.ArgumentList.Add("--Orchestrator:Pools:0:Model=sim:start");
        start.Environment.Remove("LLORCH_API_TOKEN");
        start.Environment.Remove("ASPNETCORE_URLS");
        var output = new StringBuilder();
        using var process = Process.Start(start) ?? throw new StepFailedException("could not start dotnet");
        process.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(patience.Token);
            _exitCode = process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            _exitCode = null;
        }
        lock (output) _output = output.ToString();
        try
        {
            Directory.Delete(dataDir, recursive: true);
        }
        catch (IOException)
        {
            // Left to the OS's temp cleaning.
        }
    }

    [Step(@"it exits with code (\d+) before listening")]
    public void Exits(int code)
    {
        if (_exitCode is null) throw new StepFailedException($"orchestratord did not exit within 60 s: {JsonPath.Shorten(_output)}");
        if (_exitCode != code) throw new StepFailedException($"orchestratord exited with {_exitCode}, expected {code}: {JsonPath.Shorten(_output)}");
        if (_output.Contains("Now listening on", StringComparison.Ordinal)) throw new StepFailedException($"orchestratord listened before it exited: {JsonPath.Shorten(_output)}");
    }

    [Step(@"its output says ""([^""]+)""")]
    public void OutputSays(string text)
    {
        if (!_output.Contains(text, StringComparison.Ordinal)) throw new StepFailedException($"the output lacks \"{text}\": {JsonPath.Shorten(_output)}");
    }

    [Step(@"its output does not contain the runner's token")]
    public void NoToken()
    {
        if (_output.Contains(_world.Target.Token, StringComparison.Ordinal)) throw new StepFailedException("the output holds the runner's token");
    }
}

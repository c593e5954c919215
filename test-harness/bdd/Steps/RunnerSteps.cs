using System.Diagnostics;
using LlamaOrch.Bdd.Runner;

namespace LlamaOrch.Bdd.Steps;

/// <summary>The bdd-runner's own interface, as CI and a developer use it: a second runner, pointed at this orchestratord by URL.</summary>
internal sealed class RunnerSteps(ScenarioContext context) : IDisposable
{
    private readonly ApiWorld _world = context.Get<ApiWorld>();
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("llorch-bdd-nested-");
    private int _exitCode;
    private string _output = "";

    [Step(@"a bdd-runner given this orchestratord's URL and LLORCH_BDD_FEATURE_PATH runs the feature")]
    public async Task Run(string feature)
    {
        var file = Path.Combine(_dir.FullName, "nested.feature");
        await File.WriteAllTextAsync(file, feature);
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "bdd-runner.dll"));
        start.Environment["LLORCH_BDD_FEATURE_PATH"] = file;
        start.Environment["LLORCH_BDD_URL"] = _world.Target.BaseAddress.ToString();
        start.Environment["LLORCH_BDD_TOKEN"] = _world.Target.Token;
        using var process = Process.Start(start) ?? throw new StepFailedException("could not start dotnet");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        try
        {
            await process.WaitForExitAsync(patience.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new StepFailedException("the nested bdd-runner did not finish within 90 s");
        }
        _exitCode = process.ExitCode;
        _output = await stdout + await stderr;
    }

    [Step(@"that runner exits with code (\d+) and prints ""([^""]+)""")]
    public void Exit(int code, string text)
    {
        if (_exitCode != code) throw new StepFailedException($"the nested runner exited with {_exitCode}, expected {code}: {JsonPath.Shorten(_output)}");
        if (!_output.Contains(text.Replace("\\n", "\n", StringComparison.Ordinal), StringComparison.Ordinal))
            throw new StepFailedException($"the nested runner's output lacks \"{text}\": {JsonPath.Shorten(_output)}");
    }

    public void Dispose() => _dir.Delete(recursive: true);
}

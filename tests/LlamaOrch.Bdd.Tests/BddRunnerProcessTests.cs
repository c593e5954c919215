using System.Diagnostics;

namespace LlamaOrch.Bdd.Tests;

/// <summary>The bdd-runner executable itself: its environment variables, its orchestratord, its exit codes.</summary>
public sealed class BddRunnerProcessTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("llorch-bdd-proc-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public async Task Against_the_orchestratord_it_starts_a_failing_and_an_undefined_step_exit_one()
    {
        var feature = Path.Combine(_dir.FullName, "mixed.feature");
        await File.WriteAllTextAsync(feature, """
            Feature: mixed
              Scenario: capabilities answer
                When I GET "/v1/capabilities"
                Then the status is 200

              Scenario: a wrong expectation
                When I GET "/v1/capabilities"
                Then the status is 418

              Scenario: a step nobody wrote
                When I GET "/v1/capabilities"
                Then the capabilities sparkle
            """);

        var (exit, output) = await RunAsync(feature);

        Assert.Equal(1, exit);
        Assert.Contains("\n1 passed, 1 failed\n1 undefined, 0 skipped", output);
        Assert.Contains("status 200, expected 418", output);
        Assert.Contains("""[Step(@"the\ capabilities\ sparkle")]""", output);
    }

    [Fact]
    public async Task A_feature_folder_whose_scenarios_pass_exits_zero()
    {
        var folder = Directory.CreateDirectory(Path.Combine(_dir.FullName, "nested", "deeper"));
        await File.WriteAllTextAsync(Path.Combine(folder.FullName, "ok.feature"), """
            Feature: ok
              Scenario: FR-SI-001 no token, no answer
                Given I send no token
                When I GET "/v1/capabilities"
                Then the status is 401
            """);

        var (exit, output) = await RunAsync(Path.Combine(_dir.FullName, "nested"));

        Assert.Equal(0, exit);
        Assert.Contains("\n1 passed, 0 failed\n", output);
    }

    [Fact]
    public async Task A_feature_path_that_does_not_exist_exits_two()
    {
        var (exit, output) = await RunAsync(Path.Combine(_dir.FullName, "missing.feature"));

        Assert.Equal(2, exit);
        Assert.Contains("LLORCH_BDD_FEATURE_PATH", output);
    }

    private static async Task<(int Exit, string Output)> RunAsync(string featurePath)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "bdd-runner.dll"));
        start.Environment["LLORCH_BDD_FEATURE_PATH"] = featurePath;
        start.Environment.Remove("LLORCH_BDD_URL");
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}

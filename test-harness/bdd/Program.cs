using LlamaOrch.Bdd.Runner;
using LlamaOrch.Bdd.Target;

// bdd-runner: runs the Gherkin features against one orchestratord, started here unless LLORCH_BDD_URL names one.
// Exit code 0 when every scenario passed; 1 on a failed or undefined step; 2 when it could not run at all.

var featurePath = Environment.GetEnvironmentVariable("LLORCH_BDD_FEATURE_PATH") is { Length: > 0 } p ? p : RepoLayout.Features;
IReadOnlyList<string> files;
try
{
    files = FeaturePlanner.FeatureFiles(featurePath);
}
catch (FileNotFoundException e)
{
    Console.Error.WriteLine($"bdd-runner: {e.Message} (LLORCH_BDD_FEATURE_PATH)");
    return 2;
}

OrchestratordProcess? started = null;
BddTarget target;
if (Environment.GetEnvironmentVariable("LLORCH_BDD_URL") is { Length: > 0 } url)
{
    var token = Environment.GetEnvironmentVariable("LLORCH_BDD_TOKEN") is { Length: > 0 } t ? t : Environment.GetEnvironmentVariable("LLORCH_API_TOKEN");
    if (string.IsNullOrEmpty(token) || !Uri.TryCreate(url, UriKind.Absolute, out var baseAddress))
    {
        Console.Error.WriteLine("bdd-runner: LLORCH_BDD_URL needs an absolute URL and LLORCH_BDD_TOKEN (or LLORCH_API_TOKEN) its API token");
        return 2;
    }
    target = new BddTarget(baseAddress, token, startedHere: false);
    Console.WriteLine($"bdd-runner: against {baseAddress}");
}
else
{
    var dll = RepoLayout.OrchestratordDll();
    if (!File.Exists(dll))
    {
        Console.Error.WriteLine($"bdd-runner: {dll} is not built (dotnet build llama-orch.sln)");
        return 2;
    }
    try
    {
        started = await OrchestratordProcess.StartAsync(dll);
    }
    catch (Exception e) when (e is InvalidOperationException or TimeoutException)
    {
        Console.Error.WriteLine($"bdd-runner: {e.Message}");
        return 2;
    }
    target = started.Target;
    Console.WriteLine($"bdd-runner: started orchestratord on {target.BaseAddress}");
}

try
{
    var runner = new FeatureRunner(StepRegistry.FromAssembly(typeof(Program).Assembly, "LlamaOrch.Bdd.Steps"),
        new Dictionary<Type, object> { [typeof(BddTarget)] = target }, Console.Out);
    var summary = await runner.RunAsync(files);
    if (summary.ExitCode != 0 && started is not null)
    {
        Console.WriteLine("\norchestratord's last log lines:");
        Console.WriteLine(started.LogTail(20));
    }
    return summary.ExitCode;
}
finally
{
    if (started is not null) await started.DisposeAsync();
}

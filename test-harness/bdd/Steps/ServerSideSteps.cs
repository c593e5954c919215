using LlamaOrch.Bdd.Runner;

namespace LlamaOrch.Bdd.Steps;

/// <summary>
/// What only the machine orchestratord runs on can see: its log and its data folder. These steps need the
/// orchestratord the runner started (not one given by LLORCH_BDD_URL).
/// </summary>
internal sealed class ServerSideSteps(ScenarioContext context)
{
    private readonly ApiWorld _world = context.Get<ApiWorld>();

    [Step(@"orchestratord's log has a warning containing ""([^""]+)""")]
    public async Task LogWarning(string text)
    {
        var tail = _world.Target.LogTail ?? throw new StepFailedException("the log is only readable from an orchestratord the runner started");
        var wanted = _world.Fill(text);
        // The log is written by another process: give its line a moment to arrive.
        for (var attempt = 0; attempt < 50; attempt++)
        {
            if (tail(400).Split('\n').Any(l => l.Contains(wanted, StringComparison.Ordinal) && l.Contains("Warn", StringComparison.Ordinal))) return;
            await Task.Delay(100);
        }
        throw new StepFailedException($"no warning in orchestratord's log contains \"{wanted}\"");
    }

    [Step(@"orchestratord's data folder holds the file ""([^""]+)""")]
    public void DataFile(string relative)
    {
        var dir = _world.Target.DataDir ?? throw new StepFailedException("the data folder is only readable from an orchestratord the runner started");
        var path = Path.Combine(dir, _world.Fill(relative));
        if (!File.Exists(path)) throw new StepFailedException($"no file {path}");
    }

    [Step(@"I remember the tool target's URL of ""(/[^""]*)"" as ""([A-Za-z_][A-Za-z0-9_]*)""")]
    public void ToolUrl(string path, string name)
    {
        var port = _world.Target.ToolTargetPort ?? throw new StepFailedException("the tool target runs only beside an orchestratord the runner started");
        _world.Remembered[name] = $"http://127.0.0.1:{port}{path}";
    }

    [Step(@"I remember the hex of ""([A-Za-z_][A-Za-z0-9_]*)"" as ""([A-Za-z_][A-Za-z0-9_]*)""")]
    public void Hex(string from, string name)
    {
        var id = _world.Remembered.TryGetValue(from, out var value) ? value : throw new StepFailedException($"nothing remembered as {from}");
        _world.Remembered[name] = id.StartsWith("sha256:", StringComparison.Ordinal) ? id[7..] : throw new StepFailedException($"{id} is not a sha256: id");
    }
}

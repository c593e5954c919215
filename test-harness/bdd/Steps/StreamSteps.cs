using LlamaOrch.Bdd.Runner;

namespace LlamaOrch.Bdd.Steps;

/// <summary>Checks of any event stream read last, in whatever framing its door uses (OpenAI's data-only events, Anthropic's named ones).</summary>
internal sealed class StreamSteps(ScenarioContext context)
{
    private readonly ApiWorld _world = context.Get<ApiWorld>();

    [Step(@"the stream's last data is ""([^""]*)""")]
    public void LastData(string data)
    {
        if (_world.Frames.Count == 0 || _world.Frames[^1].Data != data)
            throw new StepFailedException($"the last data is {(_world.Frames.Count == 0 ? "(no frame)" : _world.Frames[^1].Data)}, expected {data}");
    }

    [Step(@"some frame has ""([^""]+)"" equal to ""([^""]*)""")]
    public void SomeFrame(string path, string value)
    {
        if (!_world.Frames.Any(f => f.Data.StartsWith('{') && JsonPath.TryGet(f.Json, path, out var node) && JsonPath.Text(node) == value))
            throw new StepFailedException($"no frame has {path} = {value}: {JsonPath.Shorten(string.Join(" | ", _world.Frames.Select(f => f.Data)))}");
    }

    [Step(@"the frames' ""([^""]+)"" pieces join to a non-empty text")]
    public void PiecesJoin(string path)
    {
        var text = string.Concat(_world.Frames.Where(f => f.Data.StartsWith('{'))
            .Select(f => JsonPath.TryGet(f.Json, path, out var n) && n is not null ? JsonPath.Text(n) : ""));
        if (text.Trim().Length == 0) throw new StepFailedException($"no text in the frames' {path}: {JsonPath.Shorten(string.Join(" | ", _world.Frames.Select(f => f.Data)))}");
    }

    [Step(@"the stream's events are, in order, ""([^""]+)""")]
    public void EventsInOrder(string names)
    {
        // Each named event, in this order; others (pings, repeated deltas) may come between.
        var wanted = names.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var at = 0;
        foreach (var frame in _world.Frames)
        {
            if (at < wanted.Length && frame.Event == wanted[at]) at++;
        }
        if (at < wanted.Length)
            throw new StepFailedException($"no {wanted[at]} after {(at == 0 ? "the start" : wanted[at - 1])}: {string.Join(", ", _world.Frames.Select(f => f.Event))}");
    }
}

using LlamaOrch.Bdd.Runner;

namespace LlamaOrch.Bdd.Tests;

/// <summary>Steps with state of their own, so that the runner's behaviour is tested apart from orchestratord.</summary>
internal sealed class CounterSteps(ScenarioContext context)
{
    private readonly Counter _counter = context.Get<Counter>();

    [Step(@"a counter at (\d+)")]
    public void Start(int value) => _counter.Value = value;

    [Step(@"I add (\d+)")]
    public async Task Add(int amount)
    {
        await Task.Yield();
        _counter.Value += amount;
    }

    [Step(@"I add the numbers")]
    public void AddTable(StepTable table)
    {
        foreach (var record in table.Records) _counter.Value += int.Parse(record["n"], System.Globalization.CultureInfo.InvariantCulture);
    }

    [Step(@"the counter is (\d+)")]
    public void Is(int expected)
    {
        if (_counter.Value != expected) throw new InvalidOperationException($"the counter is {_counter.Value}, expected {expected}");
    }

    [Step(@"the note reads")]
    public void Note(string text)
    {
        if (text != "hello\nworld") throw new InvalidOperationException($"the note reads {text}");
    }
}

internal sealed class Counter
{
    public int Value { get; set; }
}

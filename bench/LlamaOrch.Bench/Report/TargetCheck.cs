namespace LlamaOrch.Bench.Report;

/// <summary>One target and how the run measured against it; null <see cref="Passed"/> when not measured.</summary>
internal sealed record TargetCheck(string Target, string Measured, bool? Passed)
{
    public string Verdict => Passed switch
    {
        true => "PASS",
        false => "MISS",
        null => "n/a ",
    };
}

namespace LlamaOrch.Bdd.Runner;

/// <summary>
/// Scenario outcomes of one run (a scenario with an undefined step is undefined, not failed) and the steps that
/// were skipped because an earlier step of their scenario failed or was undefined.
/// </summary>
internal sealed record RunSummary(int Passed, int Failed, int Undefined, int Skipped)
{
    /// <summary>0 when every scenario passed (and there was at least one); 1 on any failure or undefined step.</summary>
    public int ExitCode => Failed == 0 && Undefined == 0 && Passed > 0 ? 0 : 1;

    /// <summary>The closing lines: <c>N passed, N failed</c> alone on the first, so that scripts can read it.</summary>
    public override string ToString() => $"{Passed} passed, {Failed} failed\n{Undefined} undefined, {Skipped} skipped";
}

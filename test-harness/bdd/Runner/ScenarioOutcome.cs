namespace LlamaOrch.Bdd.Runner;

internal enum ScenarioOutcome
{
    Passed,
    Failed,
    Undefined,
}

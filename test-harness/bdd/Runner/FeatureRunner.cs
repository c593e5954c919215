using Gherkin;

namespace LlamaOrch.Bdd.Runner;

/// <summary>
/// Runs feature files against a step registry and writes what happened: each scenario's outcome, the failing
/// step and its error, a suggested definition for each undefined step, and the summary lines.
/// </summary>
internal sealed class FeatureRunner(StepRegistry steps, IReadOnlyDictionary<Type, object> shared, TextWriter output)
{
    /// <summary>How long one step may take before its scenario fails as timed out (a hung stream must not hang CI).</summary>
    public TimeSpan StepTimeout { get; init; } = TimeSpan.FromMinutes(2);

    public async Task<RunSummary> RunAsync(IEnumerable<string> featureFiles)
    {
        int passed = 0, failed = 0, undefined = 0, skipped = 0;
        var suggestions = new List<string>();
        foreach (var file in featureFiles)
        {
            IReadOnlyList<PlannedScenario> scenarios;
            try
            {
                scenarios = FeaturePlanner.Plan(file);
            }
            catch (CompositeParserException e)
            {
                output.WriteLine($"{file}: not valid Gherkin: {e.Message}");
                failed++;
                continue;
            }
            if (scenarios.Count > 0) output.WriteLine($"Feature: {scenarios[0].Feature}  ({Path.GetFileName(file)})");
            foreach (var scenario in scenarios)
            {
                var (outcome, stepsSkipped, detail) = await RunScenarioAsync(scenario, suggestions);
                skipped += stepsSkipped;
                switch (outcome)
                {
                    case ScenarioOutcome.Passed: passed++; output.WriteLine($"  PASS  {scenario.Name}"); break;
                    case ScenarioOutcome.Failed: failed++; output.WriteLine($"  FAIL  {scenario.Name}  ({Path.GetFileName(file)}:{scenario.Line})"); break;
                    case ScenarioOutcome.Undefined: undefined++; output.WriteLine($"  UNDEFINED  {scenario.Name}  ({Path.GetFileName(file)}:{scenario.Line})"); break;
                }
                if (detail is not null) output.WriteLine(Indent(detail, "        "));
            }
        }
        if (suggestions.Count > 0)
        {
            output.WriteLine();
            output.WriteLine("Undefined steps; definitions to start from:");
            foreach (var suggestion in suggestions.Distinct()) output.WriteLine(Indent(suggestion, "    ") + "\n");
        }
        var summary = new RunSummary(passed, failed, undefined, skipped);
        output.WriteLine();
        output.WriteLine(summary);
        return summary;
    }

    private async Task<(ScenarioOutcome Outcome, int Skipped, string? Detail)> RunScenarioAsync(PlannedScenario scenario, List<string> suggestions)
    {
        await using var context = new ScenarioContext(shared) { ScenarioName = scenario.Name };
        for (var i = 0; i < scenario.Steps.Count; i++)
        {
            var step = scenario.Steps[i];
            var found = steps.Find(step.Text);
            var rest = scenario.Steps.Count - i - 1;
            if (found.Count == 0)
            {
                suggestions.Add(StepRegistry.Suggest(step.Keyword, step.Text, step.Argument));
                return (ScenarioOutcome.Undefined, rest, $"undefined step, line {step.Line}: {step.Keyword} {step.Text}");
            }
            if (found.Count > 1)
            {
                var names = string.Join(", ", found.Select(f => $"{f.Binding.Method.DeclaringType!.Name}.{f.Binding.Method.Name}"));
                return (ScenarioOutcome.Failed, rest, $"ambiguous step, line {step.Line}: {step.Keyword} {step.Text}\nmatched by {names}");
            }
            var (binding, match) = found[0];
            try
            {
                var run = binding.InvokeAsync(context, match, step.Argument);
                if (await Task.WhenAny(run, Task.Delay(StepTimeout)) != run) throw new TimeoutException($"the step took over {StepTimeout.TotalSeconds:0} s");
                await run;
            }
            catch (Exception e)
            {
                return (ScenarioOutcome.Failed, rest, $"failed at line {step.Line}: {step.Keyword} {step.Text}\n{e.GetType().Name}: {e.Message}");
            }
        }
        return (ScenarioOutcome.Passed, 0, null);
    }

    private static string Indent(string text, string prefix) =>
        string.Join('\n', text.Split('\n').Select(line => prefix + line));
}

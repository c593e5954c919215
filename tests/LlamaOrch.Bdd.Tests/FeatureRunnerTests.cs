using LlamaOrch.Bdd.Runner;

namespace LlamaOrch.Bdd.Tests;

public sealed class FeatureRunnerTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("llorch-bdd-test-");

    public void Dispose() => _dir.Delete(recursive: true);

    private async Task<(RunSummary Summary, string Output)> RunAsync(string feature)
    {
        var file = Path.Combine(_dir.FullName, $"f{Guid.NewGuid():N}.feature");
        await File.WriteAllTextAsync(file, feature);
        var output = new StringWriter();
        var runner = new FeatureRunner(new StepRegistry([typeof(CounterSteps)]), new Dictionary<Type, object>(), output);
        var summary = await runner.RunAsync([file]);
        return (summary, output.ToString());
    }

    [Fact]
    public async Task All_passing_scenarios_exit_zero_with_the_summary_line_alone()
    {
        var (summary, output) = await RunAsync(""""
            Feature: counting
              Background:
                Given a counter at 1

              Scenario: adding
                When I add 2
                Then the counter is 3

              Scenario: a table and a doc string
                When I add the numbers
                  | n |
                  | 4 |
                  | 5 |
                Then the counter is 10
                And the note reads
                  """
                  hello
                  world
                  """

              Scenario Outline: adding <n>
                When I add <n>
                Then the counter is <sum>

                Examples:
                  | n | sum |
                  | 1 | 2   |
                  | 9 | 10  |
            """");

        Assert.Equal(new RunSummary(4, 0, 0, 0), summary);
        Assert.Equal(0, summary.ExitCode);
        Assert.Contains("\n4 passed, 0 failed\n", output);
        Assert.Contains("PASS  adding 9", output);
    }

    [Fact]
    public async Task A_failing_step_fails_its_scenario_skips_the_rest_and_exits_one()
    {
        var (summary, output) = await RunAsync("""
            Feature: counting
              Scenario: wrong sum
                Given a counter at 1
                Then the counter is 5
                And I add 1

              Scenario: right sum
                Given a counter at 1
                Then the counter is 1
            """);

        Assert.Equal(new RunSummary(1, 1, 0, 1), summary);
        Assert.Equal(1, summary.ExitCode);
        Assert.Contains("FAIL  wrong sum", output);
        Assert.Contains("the counter is 1, expected 5", output);
        Assert.Contains("\n1 passed, 1 failed\n", output);
    }

    [Fact]
    public async Task An_undefined_step_exits_one_and_suggests_a_definition()
    {
        var (summary, output) = await RunAsync("""
            Feature: counting
              Scenario: multiplying
                Given a counter at 2
                When I multiply by 3 using "fast" mode
                Then the counter is 6
            """);

        Assert.Equal(new RunSummary(0, 0, 1, 1), summary);
        Assert.Equal(1, summary.ExitCode);
        Assert.Contains("UNDEFINED  multiplying", output);
        Assert.Contains("""[Step(@"I\ multiply\ by\ (\d+)\ using\ ""([^""]*)""\ mode")]""", output);
        Assert.Contains("public async Task WhenIMultiplyByUsingMode(int p0, string p1)", output);
    }

    [Fact]
    public async Task Invalid_gherkin_counts_as_a_failure()
    {
        var (summary, output) = await RunAsync("Feature: broken\n  Scenario: x\n    Given a counter at 1\n  | stray | table |\n   Not a step\n");

        Assert.Equal(1, summary.ExitCode);
        Assert.Equal(1, summary.Failed);
        Assert.Contains("not valid Gherkin", output);
    }

    [Fact]
    public async Task No_scenarios_at_all_is_not_a_pass()
    {
        var (summary, _) = await RunAsync("Feature: empty\n");

        Assert.Equal(new RunSummary(0, 0, 0, 0), summary);
        Assert.Equal(1, summary.ExitCode);
    }
}

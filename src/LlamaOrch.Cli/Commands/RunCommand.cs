using System.CommandLine;
using System.Text.Json;
using LlamaOrch.Client;
using LlamaOrch.Contracts.Tasks;

namespace LlamaOrch.Cli.Commands;

/// <summary><c>llorch run PROMPT</c>: streams one task's tokens to stdout; Ctrl-C cancels it on the server.</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var prompt = new Argument<string>("prompt") { Description = "the prompt" };
        var model = new Option<string?>("--model", "-m") { Description = "model ref (default: the server's default model)" };
        var maxTokens = new Option<int?>("--max-tokens", "-n") { Description = "most tokens to generate" };
        var seed = new Option<long?>("--seed") { Description = "sampling seed" };
        var session = new Option<string?>("--session") { Description = "session id (a uuid) to continue" };
        var deadline = new Option<TimeSpan?>("--deadline")
        {
            Description = "the task's deadline from now, e.g. 30s or 5m: the server drops it if it cannot finish by then, and retries after a 429 stop there",
            CustomParser = Arguments.Durations.Parse,
        };
        var priority = new Option<string?>("--priority") { Description = "interactive (the server's default) or batch" };
        priority.AcceptOnlyFromAmong("interactive", "batch");
        var command = new Command("run", "Run a task and stream its text") { prompt, model, maxTokens, seed, session, deadline, priority };
        command.SetAction((parse, cancellationToken) =>
        {
            return CliContext.RunAsync(parse, cancellationToken, async (cli, _) =>
            {
                // A refusal for a model no pool serves is then told with the models there are.
                cli.ModelAsked = parse.GetValue(model);
                var run = cli.Client.RunTask(new TaskRequestBody
                {
                    Prompt = parse.GetValue(prompt),
                    ModelRef = parse.GetValue(model),
                    MaxTokens = parse.GetValue(maxTokens),
                    Seed = parse.GetValue(seed),
                    SessionId = parse.GetValue(session),
                    DeadlineMs = parse.GetValue(deadline) is { } within ? Math.Max(1, (long)within.TotalMilliseconds) : null,
                    Priority = parse.GetValue(priority),
                });
                var json = parse.GetValue(GlobalOptions.Json);
                var result = json ? await run.CollectAsync(cancellationToken) : await TerminalStream.WriteAsync(run, cancellationToken);
                if (json)
                {
                    await using var stdout = Console.OpenStandardOutput();
                    await using var writer = new Utf8JsonWriter(stdout);
                    writer.WriteStartObject();
                    writer.WriteString("task_id", result.TaskId);
                    writer.WriteString("correlation_id", run.EchoedCorrelationId ?? run.CorrelationId);
                    writer.WriteString("text", result.Text);
                    writer.WriteNumber("tokens", result.Tokens);
                    if (result.End is { } end) writer.WriteString("stop_reason", end.StopReason);
                    if (result.Error is { } failed) writer.WriteString("error", $"{failed.Code}: {failed.Message}");
                    writer.WriteEndObject();
                    await writer.FlushAsync(cancellationToken);
                    await stdout.WriteAsync("\n"u8.ToArray(), cancellationToken);
                }
                else if (result.End is { } end)
                {
                    await Console.Error.WriteLineAsync($"[{end.StopReason}: {end.TokensOut} tokens, {end.TokensIn} in, task {result.TaskId}]");
                }
                if (result.Error is { } error)
                {
                    await Console.Error.WriteLineAsync($"llorch: the task failed: {error.Code}: {error.Message} [{run.CorrelationId}]");
                    return ExitCodes.Failed;
                }
                return ExitCodes.Ok;
            });
        });
        return command;
    }
}

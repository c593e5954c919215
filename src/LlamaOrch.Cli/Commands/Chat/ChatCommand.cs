using System.CommandLine;
using System.Text.Json;
using LlamaOrch.Client;
using LlamaOrch.Contracts.Tasks;

namespace LlamaOrch.Cli.Commands;

/// <summary>
/// <c>llorch chat</c>: a conversation in one session. Each line is a turn, a task of the same session whose prompt is the
/// conversation so far; after each turn it shows how many prompt tokens the server took from the session's KV cache.
/// <c>/exit</c> or EOF ends it; Ctrl-C cancels the running turn on the server, a second Ctrl-C quits.
/// </summary>
internal static class ChatCommand
{
    public static Command Create()
    {
        var model = new Option<string?>("--model", "-m") { Description = "model ref (default: the server's default model)" };
        var session = new Option<string?>("--session") { Description = "session id (a uuid) to continue (default: a new session)" };
        var maxTokens = new Option<int?>("--max-tokens", "-n") { Description = "most tokens per reply", DefaultValueFactory = _ => 128 };
        var seed = new Option<long?>("--seed") { Description = "sampling seed of every turn" };
        var command = new Command("chat", "A multi-turn conversation in one session; the KV cache is reused between turns")
        {
            model, session, maxTokens, seed,
        };
        command.SetAction((parse, cancellationToken) => CliContext.RunAsync(parse, cancellationToken, async (cli, ct) =>
        {
            var sessionId = parse.GetValue(session) ?? Guid.NewGuid().ToString();
            if (!Guid.TryParse(sessionId, out _)) throw new ArgumentException($"--session: '{sessionId}' is not a uuid");
            cli.ModelAsked = parse.GetValue(model);
            var client = cli.Client;
            var json = parse.GetValue(GlobalOptions.Json);
            var template = new TaskRequestBody
            {
                SessionId = sessionId,
                ModelRef = parse.GetValue(model),
                MaxTokens = parse.GetValue(maxTokens),
                Seed = parse.GetValue(seed),
                Priority = "interactive",
            };
            if (!json) await Console.Error.WriteLineAsync($"session {sessionId} (/exit or Ctrl-D ends it; Ctrl-C cancels a reply)");
            return await LoopAsync(client, template, json, cancellationToken);
        }));
        return command;
    }

    private static async Task<int> LoopAsync(LlamaOrchClient client, TaskRequestBody template, bool json, CancellationToken cancellationToken)
    {
        using var quit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var conversation = new ChatConversation();
        var failed = false;
        while (await ChatInput.ReadAsync(quit.Token) is { } line)
        {
            if (line.Trim() == "/exit") break;
            if (string.IsNullOrWhiteSpace(line)) continue;
            var prompt = conversation.PromptFor(line);
            var run = client.RunTask(template with { Prompt = prompt, TaskId = null });
            TaskResult result;
            await using (var interrupt = TurnInterrupt.Start(quit.Token, quit.Cancel))
            {
                try
                {
                    result = await TurnAsync(run, json, interrupt.Token);
                }
                catch (OperationCanceledException) when (interrupt.Pressed && !quit.IsCancellationRequested)
                {
                    await Console.Error.WriteLineAsync($"[turn cancelled on the server: task {run.TaskId}]");
                    continue;
                }
            }
            quit.Token.ThrowIfCancellationRequested();
            if (result.Error is { } error)
            {
                failed = true;
                await Console.Error.WriteLineAsync($"llorch: the turn failed: {error.Code}: {error.Message} [{run.CorrelationId}]");
                continue;
            }
            conversation.Finished(prompt, result.Text);
            await ReportAsync(conversation.Turns, run, result, json);
        }
        return failed ? ExitCodes.Failed : ExitCodes.Ok;
    }

    /// <summary>Streams the reply to a person; collects it for --json.</summary>
    private static async Task<TaskResult> TurnAsync(TaskRun run, bool json, CancellationToken cancellationToken)
    {
        return json ? await run.CollectAsync(cancellationToken) : await TerminalStream.WriteAsync(run, cancellationToken);
    }

    private static async Task ReportAsync(int turn, TaskRun run, TaskResult result, bool json)
    {
        var end = result.End!;
        var kv = result.Started?.Kv ?? "none";
        var cached = end.TokensCached ?? 0;
        if (!json)
        {
            await Console.Error.WriteLineAsync(
                $"[turn {turn}: {cached} of {end.TokensIn} prompt tokens reused from the KV cache (slot: {kv}), {end.TokensOut} out, {end.StopReason}]");
            return;
        }
        await using var stdout = Console.OpenStandardOutput();
        await using (var writer = new Utf8JsonWriter(stdout, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writer.WriteNumber("turn", turn);
            writer.WriteString("task_id", result.TaskId);
            writer.WriteString("session_id", run.Submission?.Admission?.SessionId);
            writer.WriteString("correlation_id", run.EchoedCorrelationId ?? run.CorrelationId);
            writer.WriteString("text", result.Text);
            writer.WriteNumber("tokens_in", end.TokensIn);
            writer.WriteNumber("tokens_cached", cached);
            writer.WriteNumber("tokens_out", end.TokensOut);
            writer.WriteString("kv", kv);
            writer.WriteString("stop_reason", end.StopReason);
            writer.WriteEndObject();
        }
        await stdout.WriteAsync("\n"u8.ToArray());
    }
}

using System.CommandLine;
using LlamaOrch.Client;
using Spectre.Console;

namespace LlamaOrch.Cli.Commands;

/// <summary>
/// <c>llorch batch FILE|-</c>: one task per JSONL line, run at the concurrency <see cref="ConcurrencyGate"/> derives
/// from the server (and cuts on 429s), one JSONL result per line in input order, and a summary on stderr.
/// </summary>
internal static class BatchCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("file") { Description = "JSONL of tasks, one per line ('-' for stdin): a prompt string, or an object with POST /v1/tasks members and an optional id" };
        var model = new Option<string?>("--model", "-m") { Description = "model ref for lines that name none (default: the server's default model)" };
        var maxTokens = new Option<int?>("--max-tokens", "-n") { Description = "max_tokens for lines that give none" };
        var priority = new Option<string>("--priority") { Description = "priority for lines that give none", DefaultValueFactory = _ => "batch" };
        priority.AcceptOnlyFromAmong("interactive", "batch");
        var output = new Option<string?>("--output", "-o") { Description = "write the results to this file instead of stdout" };
        var command = new Command("batch", "Run many tasks from JSONL at the concurrency the server allows; JSONL results in input order")
        {
            file, model, maxTokens, priority, output,
        };
        command.SetAction((parse, cancellationToken) => CliContext.RunAsync(parse, cancellationToken, async (cli, ct) =>
        {
            var defaults = new BatchDefaults(parse.GetValue(model), parse.GetValue(maxTokens), parse.GetValue(priority)!);
            var lines = await ReadLinesAsync(parse.GetValue(file)!, defaults, cancellationToken);
            cli.RetryNotes = false; // the summary counts the 429s; a line per retry would break the progress bar
            cli.ModelAsked = parse.GetValue(model);
            var client = cli.Client;
            var gate = await ConcurrencyGate.CreateAsync(client, defaults.Model, cancellationToken);
            var summary = await RunAsync(client, gate, lines, parse.GetValue(output), parse.GetValue(GlobalOptions.Json), cancellationToken);
            return summary.Done == summary.Total ? ExitCodes.Ok : ExitCodes.Failed;
        }));
        return command;
    }

    private static async Task<List<BatchLine>> ReadLinesAsync(string path, BatchDefaults defaults, CancellationToken cancellationToken)
    {
        TextReader reader;
        if (path == "-")
        {
            reader = Console.In;
        }
        else
        {
            if (!File.Exists(path)) throw new ArgumentException($"{path}: no such file");
            reader = new StreamReader(path);
        }
        using (path == "-" ? null : reader)
        {
            var lines = new List<BatchLine>();
            var number = 0;
            while (await reader.ReadLineAsync(cancellationToken) is { } text)
            {
                number++;
                if (BatchLineParser.Parse(number, text, defaults) is not { } line) continue;
                if (line.Invalid is { } why) await Console.Error.WriteLineAsync($"llorch: line {number}: {why}");
                lines.Add(line);
            }
            return lines;
        }
    }

    private static FileStream Create(string path)
    {
        try
        {
            return File.Create(path);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"-o {path}: {error.Message}");
        }
    }

    private static async Task<BatchSummary> RunAsync(
        LlamaOrchClient client, ConcurrencyGate gate, List<BatchLine> lines, string? outputPath, bool json, CancellationToken cancellationToken)
    {
        var bar = !Console.IsErrorRedirected && !json;
        // With the bar and the results both on the terminal, the results wait for the bar to finish.
        Stream results = outputPath is not null ? Create(outputPath)
            : bar && !Console.IsOutputRedirected ? new MemoryStream()
            : Console.OpenStandardOutput();
        await using (results)
        {
            BatchSummary summary;
            if (bar)
            {
                var stderr = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
                summary = await stderr.Progress()
                    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
                    .StartAsync(async context =>
                    {
                        var task = context.AddTask(Describe(0, 0, 0, gate), maxValue: Math.Max(1, lines.Count));
                        var progress = new BatchProgress();
                        var runner = new BatchRunner(client, gate, new BatchResultWriter(results, lines.Count), outcome =>
                        {
                            var (done, failed, retried) = progress.Add(outcome);
                            task.Description = Describe(done, failed, retried, gate);
                            task.Increment(1);
                        });
                        return await runner.RunAsync(lines, cancellationToken);
                    });
                if (results is MemoryStream buffered)
                {
                    await using var stdout = Console.OpenStandardOutput();
                    buffered.Position = 0;
                    await buffered.CopyToAsync(stdout, cancellationToken);
                }
                stderr.MarkupLine(Markup.Escape(summary.ToText()));
            }
            else
            {
                var progress = new BatchProgress();
                var step = Math.Max(1, lines.Count / 10);
                var runner = new BatchRunner(client, gate, new BatchResultWriter(results, lines.Count), outcome =>
                {
                    var (done, failed, retried) = progress.Add(outcome);
                    var finished = done + failed;
                    if (!json && (finished % step == 0 || finished == lines.Count))
                        Console.Error.WriteLine($"llorch: {finished}/{lines.Count} finished ({failed} failed or invalid, {retried} retried after 429, concurrency {gate.Limit})");
                });
                summary = await runner.RunAsync(lines, cancellationToken);
                await Console.Error.WriteLineAsync(json ? summary.ToJson() : "llorch: " + summary.ToText());
            }
            return summary;
        }
    }

    private static string Describe(int done, int failed, int retried, ConcurrencyGate gate) =>
        $"done {done}, failed or invalid {failed}, retried after 429 {retried}, concurrency {gate.Limit}";
}

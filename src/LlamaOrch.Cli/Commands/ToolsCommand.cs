using System.CommandLine.Parsing;
using System.CommandLine;
using System.Globalization;
using LlamaOrch.Cli.Arguments;
using LlamaOrch.Cli.Output;
using LlamaOrch.Contracts.Tools;
using LlamaOrch.Contracts;
using Spectre.Console;

namespace LlamaOrch.Cli.Commands;

/// <summary><c>llorch tools audit</c>: the tool calls orchestratord made for agents, newest first (docs/tools-and-policy.md).</summary>
internal static class ToolsCommand
{
    public static Command Create()
    {
        var command = new Command("tools", "The tools orchestratord runs for agents: audit");
        command.Subcommands.Add(Audit());
        return command;
    }

    private static Command Audit()
    {
        var decision = new Option<string?>("--decision") { Description = "only calls with this decision: allowed, refused, failed or invalid" };
        decision.AcceptOnlyFromAmong("allowed", "refused", "failed", "invalid");
        var tool = new Option<string?>("--tool") { Description = "only calls of this tool: http.fetch or search" };
        tool.AcceptOnlyFromAmong("http.fetch", "search");
        var door = new Option<string?>("--door") { Description = "only calls that came in through this door: http or mcp" };
        door.AcceptOnlyFromAmong("http", "mcp");
        var session = new Option<string?>("--session") { Description = "only calls whose request named this session_id" };
        var since = new Option<DateTimeOffset?>("--since")
        {
            Description = "only calls at or after this time: ISO 8601 (UTC when no offset), or a duration ago such as 10m or 2h",
            CustomParser = SinceOf,
        };
        var limit = Ids.Limit("entries", most: 500);
        var cursor = new Option<long?>("--cursor") { Description = "the next_cursor of the page before" };
        var command = new Command("audit", "The tool audit log, newest first, by decision, tool, door, session or time")
        {
            decision, tool, door, session, since, limit, cursor,
        };
        command.SetAction((parse, cancellationToken) => CliContext.RunAsync(parse, cancellationToken, async (cli, ct) =>
        {
            var answer = await cli.Client.GetToolAuditAsync(parse.GetValue(decision), parse.GetValue(session), parse.GetValue(since),
                parse.GetValue(limit), parse.GetValue(cursor), parse.GetValue(tool), parse.GetValue(door), ct);
            cli.Output.Traced(answer);
            var page = answer.Value;
            if (cli.Output.Json)
            {
                await CliOutput.WriteJsonAsync(page, ContractsJsonContext.Default.ToolAuditResponse, ct);
                return ExitCodes.Ok;
            }
            var table = CliOutput.Table("id", "time", "tool", "door", "decision", "rule", "method", "url", "status", "bytes in", "reason", "correlation id");
            foreach (var e in page.Entries)
                CliOutput.AddRow(table, e.Id, e.Time.ToString("u", CultureInfo.InvariantCulture), e.Tool, e.Door, CliOutput.State(e.Decision), e.Rule, e.Method, e.Url,
                    e.Status, e.BytesIn, e.Reason, e.CorrelationId);
            cli.Output.Console.Write(table);
            if (page.NextCursor is { } more) CliOutput.Note($"older entries: llorch tools audit --cursor {more.ToString(CultureInfo.InvariantCulture)}");
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static DateTimeOffset? SinceOf(ArgumentResult result)
    {
        if (result.Tokens.Count == 0) return null;
        var text = result.Tokens[0].Value;
        if (Durations.TryParse(text, out var ago)) return DateTimeOffset.UtcNow - ago;
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at)) return at;
        result.AddError($"--since: '{text}' is neither a time (2026-12-07T08:00:00Z) nor a duration ago (10m)");
        return null;
    }
}

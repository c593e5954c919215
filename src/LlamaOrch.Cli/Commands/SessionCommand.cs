using System.CommandLine;
using System.Globalization;
using LlamaOrch.Cli.Arguments;
using LlamaOrch.Cli.Output;
using LlamaOrch.Contracts.Sessions;
using LlamaOrch.Contracts;
using Spectre.Console;

namespace LlamaOrch.Cli.Commands;

/// <summary><c>llorch session show|rm|budget ID</c>: a session's turns, KV cache and budget (docs/sessions-and-budgets.md).</summary>
internal static class SessionCommand
{
    public static Command Create()
    {
        var command = new Command("session", "A session's turns, KV cache and budget: show, rm, budget");
        command.Subcommands.Add(Show());
        command.Subcommands.Add(Remove());
        command.Subcommands.Add(Budget());
        return command;
    }

    private static Argument<string> IdArgument()
    {
        var id = new Argument<string>("session") { Description = "the session id (a uuid: the session_id of its tasks)" };
        id.Validators.Add(Ids.MustBeUuid);
        return id;
    }

    private static Command Show()
    {
        var id = IdArgument();
        var command = new Command("show", "A session's turns, tokens, where its KV cache is, and its budget left") { id };
        command.SetAction((parse, cancellationToken) => CliContext.RunAsync(parse, cancellationToken, async (cli, ct) =>
        {
            var answer = await cli.Client.GetSessionAsync(parse.GetValue(id)!, ct);
            cli.Output.Traced(answer);
            return await ShowAsync(cli, answer.Value, ct);
        }));
        return command;
    }

    private static Command Remove()
    {
        var id = IdArgument();
        var command = new Command("rm", "End a session and erase its KV cache") { id };
        command.SetAction((parse, cancellationToken) => CliContext.RunAsync(parse, cancellationToken, async (cli, ct) =>
        {
            var session = parse.GetValue(id)!;
            var answer = await cli.Client.DeleteSessionAsync(session, ct);
            cli.Output.Traced(answer);
            await Deleted.WriteAsync(cli, "session", session, ct);
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Budget()
    {
        var id = IdArgument();
        var tokens = new Option<long?>("--tokens") { Description = "prompt plus generated tokens over all its tasks (unlimited when left out)" };
        var time = new Option<TimeSpan?>("--time") { Description = "run time over all its tasks, e.g. 90s or 10m (unlimited when left out)", CustomParser = Durations.Parse };
        var cost = new Option<decimal?>("--cost") { Description = "cost over all its tasks, at each pool's price (unlimited when left out)" };
        foreach (var positive in new Option[] { tokens, cost })
            positive.Validators.Add(r =>
            {
                if (r.Tokens.Count > 0 && decimal.TryParse(r.Tokens[0].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && n < 0)
                    r.AddError($"{positive.Name}: must not be negative");
            });
        var command = new Command("budget", "Set a session's whole budget (what is left out is unlimited)") { id, tokens, time, cost };
        command.SetAction((parse, cancellationToken) => CliContext.RunAsync(parse, cancellationToken, async (cli, ct) =>
        {
            var budget = new BudgetRequest(parse.GetValue(tokens), parse.GetValue(time) is { } t ? (long)t.TotalMilliseconds : null, parse.GetValue(cost));
            var answer = await cli.Client.SetSessionBudgetAsync(parse.GetValue(id)!, budget, ct);
            cli.Output.Traced(answer);
            return await ShowAsync(cli, answer.Value, ct);
        }));
        return command;
    }

    private static async Task<int> ShowAsync(CliContext cli, SessionResponse s, CancellationToken cancellationToken)
    {
        if (cli.Output.Json)
        {
            await CliOutput.WriteJsonAsync(s, ContractsJsonContext.Default.SessionResponse, cancellationToken);
            return ExitCodes.Ok;
        }
        var grid = new Spectre.Console.Grid().AddColumn().AddColumn();
        void Row(string name, object? value) => grid.AddRow(Spectre.Console.Markup.Escape(name),
            Spectre.Console.Markup.Escape(value is IFormattable f ? f.ToString(null, CultureInfo.InvariantCulture) : value?.ToString() ?? "-"));
        Row("session", s.SessionId);
        Row("turns", s.Turns);
        Row("tokens", $"{s.TokensInTotal} in ({s.TokensCachedTotal} from the KV cache), {s.TokensOutTotal} out");
        Row("kv cache", s.PoolId is null ? "none held" : $"pool {s.PoolId}, replica {s.ReplicaId}, slot {s.Slot}: {s.KvBytes} bytes, warmth {s.KvWarmth.ToString("0.00", CultureInfo.InvariantCulture)}");
        Row("expires in", Durations.Format(s.TtlMsRemaining));
        if (s.BudgetMode is { } mode)
        {
            Row("budget", mode);
            Row("tokens left", s.TokensBudgetRemaining?.ToString(CultureInfo.InvariantCulture) ?? "unlimited");
            Row("time left", s.TimeBudgetRemainingMs is { } ms ? Durations.Format(ms) : "unlimited");
            Row("cost left", s.CostBudgetRemaining?.ToString(CultureInfo.InvariantCulture) ?? "unlimited");
        }
        cli.Output.Console.Write(grid);
        if (s.RecentTurns.Count > 0)
        {
            var turns = CliOutput.Table("turn", "tokens in", "from cache", "tokens out", "kv");
            var n = s.Turns - s.RecentTurns.Count;
            foreach (var t in s.RecentTurns) CliOutput.AddRow(turns, ++n, t.TokensIn, t.TokensCached, t.TokensOut, t.Kv);
            cli.Output.Console.Write(turns);
        }
        return ExitCodes.Ok;
    }
}

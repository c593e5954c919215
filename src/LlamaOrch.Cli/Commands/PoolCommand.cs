using System.CommandLine;
using System.Net;
using LlamaOrch.Cli.Arguments;
using LlamaOrch.Cli.Output;
using LlamaOrch.Client;
using LlamaOrch.Contracts.Control;
using LlamaOrch.Contracts;
using Spectre.Console;

namespace LlamaOrch.Cli.Commands;

/// <summary><c>llorch pool health|drain|resume|reload POOL</c>: a pool's state and its lifecycle.</summary>
internal static class PoolCommand
{
    public static Command Create()
    {
        var command = new Command("pool", "A pool's health and lifecycle: health, drain, resume, reload");
        command.Subcommands.Add(Health());
        command.Subcommands.Add(Drain());
        command.Subcommands.Add(Resume());
        command.Subcommands.Add(Reload());
        return command;
    }

    private static Argument<string> PoolArgument() => new("pool") { Description = "the pool's id (llorch caps lists them)" };

    private static Command Health()
    {
        var pool = PoolArgument();
        var command = new Command("health", "Liveness, readiness, drain/reload state and queue of a pool") { pool };
        command.SetAction((parse, cancellationToken) => CliContext.RunAsync(parse, cancellationToken, async (cli, ct) =>
        {
            var id = parse.GetValue(pool)!;
            var answer = await OnPoolAsync(cli, id, () => cli.Client.GetPoolHealthAsync(id, ct), ct);
            cli.Output.Traced(answer);
            if (cli.Output.Json)
            {
                await CliOutput.WriteJsonAsync(answer.Value, ContractsJsonContext.Default.PoolHealthResponse, ct);
                return ExitCodes.Ok;
            }
            var h = answer.Value;
            var m = h.Metrics;
            var table = CliOutput.Table("pool", "live", "ready", "draining", "reloading", "model", "replicas ready", "slots busy", "queue", "last error");
            CliOutput.AddRow(table, id, CliOutput.State(h.Live), CliOutput.State(h.Ready), CliOutput.State(h.Draining, good: false), CliOutput.State(h.Reloading, good: false), h.Model, $"{m.ReplicasReady}/{m.ReplicasTotal}",
                $"{m.BusySlots}/{m.ReadySlots}", m.QueueDepth, h.LastError);
            cli.Output.Console.Write(table);
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Drain()
    {
        var pool = PoolArgument();
        var deadline = new Option<TimeSpan?>("--deadline", "-d")
        {
            Description = "how long queued and running tasks may still take, e.g. 30s or 5m (0 ends them now)",
            Required = true,
            CustomParser = Durations.Parse,
        };
        var command = new Command("drain", "Stop admitting tasks to a pool; what is queued or running may finish within the deadline") { pool, deadline };
        command.SetAction((parse, cancellationToken) => CliContext.RunAsync(parse, cancellationToken, async (cli, ct) =>
        {
            var id = parse.GetValue(pool)!;
            var ms = (long)parse.GetValue(deadline)!.Value.TotalMilliseconds;
            var answer = await OnPoolAsync(cli, id, () => cli.Client.DrainPoolAsync(id, ms, ct), ct);
            cli.Output.Traced(answer);
            if (cli.Output.Json)
                await CliOutput.WriteJsonAsync(answer.Value, ContractsJsonContext.Default.DrainResponse, ct);
            else
                cli.Output.Console.WriteLine($"pool {id} draining: new tasks are refused; what is left ends in {Durations.Format(answer.Value.DeadlineMs)} at the latest (llorch pool resume {id} undoes it)");
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Resume()
    {
        var pool = PoolArgument();
        var command = new Command("resume", "Admit tasks to a drained pool again") { pool };
        command.SetAction((parse, cancellationToken) => CliContext.RunAsync(parse, cancellationToken, async (cli, ct) =>
        {
            var id = parse.GetValue(pool)!;
            var answer = await OnPoolAsync(cli, id, () => cli.Client.ResumePoolAsync(id, ct), ct);
            cli.Output.Traced(answer);
            if (cli.Output.Json)
                await CliOutput.WriteJsonAsync(answer.Value, ContractsJsonContext.Default.ResumeResponse, ct);
            else
                cli.Output.Console.WriteLine($"pool {id} admits tasks again");
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Reload()
    {
        var pool = PoolArgument();
        var model = new Argument<string>("model") { Description = "the model to serve from now on: a model ref (hf:…, a URL, a path, sim:…) or a catalog id" };
        var timeout = new Option<TimeSpan?>("--timeout")
        {
            Description = "how long to wait for the new replicas to load (default 5m; the server gives up at its own ReloadTimeoutSeconds)",
            CustomParser = Durations.Parse,
        };
        var command = new Command("reload", "Switch a pool to another model atomically; the old replicas finish their tasks") { pool, model, timeout };
        command.SetAction((parse, cancellationToken) => CliContext.RunAsync(parse, cancellationToken, async (cli, ct) =>
        {
            var id = parse.GetValue(pool)!;
            // The answer comes once the new replicas are ready: the request lasts as long as the loading.
            cli.RequestTimeout = parse.GetValue(timeout) ?? TimeSpan.FromMinutes(5);
            var answer = await OnPoolAsync(cli, id, () => cli.Client.ReloadPoolAsync(id, parse.GetValue(model)!, ct), ct);
            cli.Output.Traced(answer);
            var r = answer.Value;
            if (cli.Output.Json)
                await CliOutput.WriteJsonAsync(r, ContractsJsonContext.Default.ReloadResponse, ct);
            else
                cli.Output.Console.WriteLine($"pool {id} serves {r.ModelRef} on {Failures.Listed(r.Replicas)}; stopping once idle: {Failures.Listed(r.Stopping)}");
            return ExitCodes.Ok;
        }));
        return command;
    }

    /// <summary>A 404 from a pool path means the pool does not exist: say which pools do.</summary>
    private static async Task<T> OnPoolAsync<T>(CliContext cli, string pool, Func<Task<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            return await call();
        }
        catch (LlamaOrchApiException notFound) when (notFound.StatusCode == HttpStatusCode.NotFound)
        {
            throw await Failures.UnknownPoolAsync(cli, pool, notFound, cancellationToken);
        }
    }
}

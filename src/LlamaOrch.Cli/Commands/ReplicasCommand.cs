using System.CommandLine;
using LlamaOrch.Cli.Output;
using LlamaOrch.Contracts;
using Spectre.Console;

namespace LlamaOrch.Cli.Commands;

/// <summary><c>llorch replicas [--pool POOL]</c>: every replica with its state, slots, load and what it has delivered.</summary>
internal static class ReplicasCommand
{
    public static Command Create()
    {
        var pool = new Option<string?>("--pool", "-p") { Description = "only this pool's replicas" };
        var command = new Command("replicas", "List the engine replicas: state, slots, load, devices, tokens/s") { pool };
        command.SetAction((parse, cancellationToken) => CliContext.RunAsync(parse, cancellationToken, async (cli, ct) =>
        {
            var answer = await cli.Client.GetReplicaSetsAsync(ct);
            cli.Output.Traced(answer);
            var only = parse.GetValue(pool);
            var replicas = only is null ? answer.Value : [.. answer.Value.Where(r => r.PoolId == only)];
            if (only is not null && replicas.Count == 0 && !answer.Value.Any(r => r.PoolId == only))
                throw new UnknownNameException(
                    $"orchestratord has no replicas of pool '{only}'; its pools: {Failures.Listed(answer.Value.Select(r => r.PoolId).Distinct())}", answer.CorrelationId);
            if (cli.Output.Json)
            {
                await CliOutput.WriteJsonAsync(replicas, ContractsJsonContext.Default.IReadOnlyListReplicaSetEntry, ct);
                return ExitCodes.Ok;
            }
            var table = CliOutput.Table("replica", "pool", "state", "slots free", "load", "devices", "model", "engine", "tok/s", "ttft ms", "tasks", "last error");
            foreach (var r in replicas)
                CliOutput.AddRow(table, r.Id, r.PoolId, CliOutput.State(r.State), $"{r.SlotsFree}/{r.SlotsTotal}", r.Load.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture),
                    r.Devices.Count == 0 ? "-" : string.Join(",", r.Devices), r.Model, r.EngineVersion ?? r.Engine,
                    Rounded(r.Slo.TokensPerSecond ?? r.TokensPerSecond), Rounded(r.Slo.TtftMs ?? r.TtftMs), r.Slo.TasksCompleted, r.LastError);
            cli.Output.Console.Write(table);
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static string? Rounded(double? value) => value?.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture);
}

using System.CommandLine;
using LlamaOrch.Cli.Output;
using LlamaOrch.Contracts;
using Spectre.Console;

namespace LlamaOrch.Cli.Commands;

/// <summary><c>llorch caps</c>: the API version and, per pool, its engine, model, slots, context and queue.</summary>
internal static class CapsCommand
{
    public static Command Create()
    {
        var command = new Command("caps", "Show the server's capabilities: API version, pools, engines, limits");
        command.SetAction((parse, cancellationToken) => CliContext.RunAsync(parse, cancellationToken, async (cli, ct) =>
            {
                var answer = await cli.Client.GetCapabilitiesAsync(ct);
                cli.Output.Traced(answer);
                var caps = answer.Value;
                if (cli.Output.Json)
                {
                    await CliOutput.WriteJsonAsync(caps, ContractsJsonContext.Default.CapabilitiesResponse, ct);
                    return ExitCodes.Ok;
                }
                var console = cli.Output.Console;
                console.MarkupLine($"API version [bold]{Markup.Escape(caps.ApiVersion)}[/]");
                var table = CliOutput.Table("pool", "model", "engine", "ready", "slots", "replicas", "ctx", "queue", "workloads");
                foreach (var e in caps.Engines)
                {
                    table.AddRow(
                        Markup.Escape(e.PoolId), Markup.Escape(e.Model), Markup.Escape(e.EngineVersion ?? e.Engine), e.Ready ? "yes" : "no",
                        e.Slots.ToString(System.Globalization.CultureInfo.InvariantCulture), e.Replicas.ToString(System.Globalization.CultureInfo.InvariantCulture),
                        e.CtxMax.ToString(System.Globalization.CultureInfo.InvariantCulture),
                        $"{e.RateLimits.QueueCapacity} ({Markup.Escape(e.RateLimits.FullPolicy)})", Markup.Escape(string.Join(",", e.SupportedWorkloads)));
                }
                console.Write(table);
                return ExitCodes.Ok;
            }));
        return command;
    }
}

using System.CommandLine;
using System.Text.Json;
using LlamaOrch.Client;
using LlamaOrch.Contracts;
using Spectre.Console;

namespace LlamaOrch.Cli.Commands;

/// <summary><c>llorch caps</c>: the API version and, per pool, its engine, model, slots, context and queue.</summary>
internal static class CapsCommand
{
    public static Command Create()
    {
        var command = new Command("caps", "Show the server's capabilities: API version, pools, engines, limits");
        command.SetAction((parse, cancellationToken) =>
            Failures.GuardAsync(async () =>
            {
                using var client = GlobalOptions.ClientOf(parse);
                var caps = (await client.GetCapabilitiesAsync(cancellationToken)).Value;
                if (parse.GetValue(GlobalOptions.Json))
                {
                    await Console.Out.WriteLineAsync(JsonSerializer.Serialize(caps, ContractsJsonContext.Default.CapabilitiesResponse));
                    return ExitCodes.Ok;
                }
                var console = AnsiConsole.Console;
                console.MarkupLine($"API version [bold]{Markup.Escape(caps.ApiVersion)}[/]");
                var table = new Table().AddColumns("pool", "model", "engine", "ready", "slots", "replicas", "ctx", "queue", "workloads");
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
            }, GlobalOptions.UrlOf(parse)));
        return command;
    }
}

using System.Text.Json;
using Spectre.Console;

namespace LlamaOrch.Cli.Output;

/// <summary>What a delete prints: the server answers 204 with no body, so <c>--json</c> gets llorch's own <c>{"id":…,"deleted":true}</c>.</summary>
internal static class Deleted
{
    public static async Task WriteAsync(CliContext cli, string what, string id, CancellationToken cancellationToken)
    {
        if (!cli.Output.Json)
        {
            cli.Output.Console.WriteLine($"{what} {id} deleted");
            return;
        }
        await using var stdout = Console.OpenStandardOutput();
        await using (var writer = new Utf8JsonWriter(stdout))
        {
            writer.WriteStartObject();
            writer.WriteString("id", id);
            writer.WriteBoolean("deleted", true);
            writer.WriteEndObject();
        }
        await stdout.WriteAsync("\n"u8.ToArray(), cancellationToken);
    }
}

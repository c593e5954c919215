using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using LlamaOrch.Cli.Arguments;
using LlamaOrch.Cli.Output;
using LlamaOrch.Contracts.Artifacts;
using LlamaOrch.Contracts;
using Spectre.Console;

namespace LlamaOrch.Cli.Commands;

/// <summary><c>llorch artifact put|get|ls|lineage</c>: the content-addressed artifact store (docs/artifacts.md).</summary>
internal static class ArtifactCommand
{
    private static readonly string[] Kinds = ["plan", "summary", "diff", "trace", "transcript", "logs", "other"];

    public static Command Create()
    {
        var command = new Command("artifact", "Artifacts (plans, diffs, traces, transcripts, …): put, get, ls, lineage");
        command.Subcommands.Add(Put());
        command.Subcommands.Add(Get());
        command.Subcommands.Add(List());
        command.Subcommands.Add(Lineage());
        return command;
    }

    private static Option<string?> Session()
    {
        var session = new Option<string?>("--session") { Description = "the session (a uuid) the artifact belongs to" };
        session.Validators.Add(r => { if (r.GetValueOrDefault<string?>() is { } s && !Guid.TryParse(s, out _)) r.AddError($"--session: '{s}' is not a uuid"); });
        return session;
    }

    private static Command Put()
    {
        var file = new Argument<string>("file") { Description = "the content: a file with a JSON object, or - for stdin", DefaultValueFactory = _ => "-" };
        var kind = new Option<string>("--kind", "-k") { Description = "plan, summary, diff, trace, transcript, logs or other", Required = true };
        kind.AcceptOnlyFromAmong(Kinds);
        var text = new Option<bool>("--text") { Description = "the file is plain text: store it as {\"text\": …}" };
        var tags = new Option<string[]>("--tag", "-t") { Description = "a tag (repeat for more)" };
        var parent = new Option<string?>("--parent") { Description = "the id of a stored artifact this one derives from" };
        var session = Session();
        var metadata = new Option<string?>("--metadata") { Description = "a JSON object of metadata (part of the id)" };
        var command = new Command("put", "Store an artifact; its id is the digest of its content, so storing it again is harmless")
        {
            file, kind, text, tags, parent, session, metadata,
        };
        command.SetAction((parse, cancellationToken) => CliContext.RunAsync(parse, cancellationToken, async (cli, ct) =>
        {
            var path = parse.GetValue(file)!;
            var raw = await JsonFiles.ReadTextAsync(path, "file", ct);
            var content = parse.GetValue(text)
                ? JsonSerializer.SerializeToElement(new Dictionary<string, string> { ["text"] = raw }, CliJsonContext.Default.DictionaryStringString)
                : JsonFiles.ParseObject(raw, path == "-" ? "stdin" : path);
            var request = new ArtifactRequest
            {
                Kind = parse.GetValue(kind),
                Content = content,
                Tags = parse.GetValue(tags) is { Length: > 0 } t ? [.. t] : null,
                Parent = parse.GetValue(parent),
                SessionId = parse.GetValue(session),
                Metadata = parse.GetValue(metadata) is { } m ? JsonFiles.ParseObject(m, "--metadata") : null,
            };
            var answer = await cli.Client.PutArtifactAsync(request, ct);
            cli.Output.Traced(answer);
            if (cli.Output.Json)
                await CliOutput.WriteJsonAsync(answer.Value, ContractsJsonContext.Default.ArtifactSummary, ct);
            else
                cli.Output.Console.WriteLine($"{answer.Value.Id} ({answer.Value.Kind}, {answer.Value.SizeBytes} bytes){(answer.StatusCode == System.Net.HttpStatusCode.OK ? ", stored before" : "")}");
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Get()
    {
        var id = new Argument<string>("id") { Description = "the artifact's id (sha256:…)" };
        var contentOnly = new Option<bool>("--content") { Description = "print only the content, as JSON (a --text artifact's text as it was)" };
        var command = new Command("get", "Show an artifact and its content") { id, contentOnly };
        command.SetAction((parse, cancellationToken) => CliContext.RunAsync(parse, cancellationToken, async (cli, ct) =>
        {
            var answer = await cli.Client.GetArtifactAsync(parse.GetValue(id)!, ct);
            cli.Output.Traced(answer);
            var a = answer.Value;
            if (parse.GetValue(contentOnly))
            {
                if (!cli.Output.Json && IsText(a.Content, out var stored)) await Console.Out.WriteAsync(stored);
                else await CliOutput.WriteJsonAsync(a.Content, CliJsonContext.Default.JsonElement, ct);
                return ExitCodes.Ok;
            }
            if (cli.Output.Json)
            {
                await CliOutput.WriteJsonAsync(a, ContractsJsonContext.Default.ArtifactResponse, ct);
                return ExitCodes.Ok;
            }
            cli.Output.Console.Write(SummaryTable([new ArtifactSummary(a.Id, a.Kind, a.Digest, a.CreatedMs, a.Tags, a.Parent, a.SessionId, a.SizeBytes)]));
            await Console.Out.WriteLineAsync(JsonSerializer.Serialize(a.Content, CliJsonContext.Default.JsonElement));
            if (a.Metadata.ValueKind == JsonValueKind.Object && a.Metadata.EnumerateObject().Any())
                await Console.Out.WriteLineAsync("metadata: " + JsonSerializer.Serialize(a.Metadata, CliJsonContext.Default.JsonElement));
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command List()
    {
        var kind = new Option<string?>("--kind", "-k") { Description = "only artifacts of this kind" };
        kind.AcceptOnlyFromAmong(Kinds);
        var tag = new Option<string?>("--tag", "-t") { Description = "only artifacts with this tag" };
        var session = Session();
        var limit = Ids.Limit("artifacts");
        var cursor = new Option<string?>("--cursor") { Description = "the next_cursor of the page before" };
        var all = new Option<bool>("--all") { Description = "follow the cursors: every artifact, as one list" };
        var command = new Command("ls", "List artifacts, oldest first, by kind, tag or session") { kind, tag, session, limit, cursor, all };
        command.SetAction((parse, cancellationToken) => CliContext.RunAsync(parse, cancellationToken, async (cli, ct) =>
        {
            Task<LlamaOrch.Client.ApiResponse<ArtifactListResponse>> PageAsync(string? from) =>
                cli.Client.ListArtifactsAsync(parse.GetValue(kind), parse.GetValue(tag), parse.GetValue(session), parse.GetValue(limit), from, ct);
            var page = (await PageAsync(parse.GetValue(cursor))).Value;
            var artifacts = page.Artifacts.ToList();
            while (parse.GetValue(all) && page.NextCursor is { } next)
            {
                page = (await PageAsync(next)).Value;
                artifacts.AddRange(page.Artifacts);
            }
            if (cli.Output.Json)
            {
                await CliOutput.WriteJsonAsync(new ArtifactListResponse(artifacts, page.NextCursor), ContractsJsonContext.Default.ArtifactListResponse, ct);
                return ExitCodes.Ok;
            }
            cli.Output.Console.Write(SummaryTable(artifacts));
            if (page.NextCursor is { } more) CliOutput.Note($"more artifacts: llorch artifact ls --cursor {more} (or --all)");
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Lineage()
    {
        var id = new Argument<string>("id") { Description = "the artifact's id (sha256:…)" };
        var command = new Command("lineage", "An artifact, its parent, and so on to the root") { id };
        command.SetAction((parse, cancellationToken) => CliContext.RunAsync(parse, cancellationToken, async (cli, ct) =>
        {
            var answer = await cli.Client.GetArtifactLineageAsync(parse.GetValue(id)!, ct);
            cli.Output.Traced(answer);
            if (cli.Output.Json)
            {
                await CliOutput.WriteJsonAsync(answer.Value, ContractsJsonContext.Default.ArtifactLineageResponse, ct);
                return ExitCodes.Ok;
            }
            cli.Output.Console.Write(SummaryTable(answer.Value.Chain));
            if (answer.Value.Truncated) CliOutput.Note("the chain goes on past the depth the server serves");
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Spectre.Console.Table SummaryTable(IEnumerable<ArtifactSummary> artifacts)
    {
        var table = CliOutput.Table("id", "kind", "created", "bytes", "tags", "parent", "session");
        foreach (var a in artifacts)
            CliOutput.AddRow(table, a.Id, a.Kind, DateTimeOffset.FromUnixTimeMilliseconds(a.CreatedMs).ToString("u", CultureInfo.InvariantCulture), a.SizeBytes,
                a.Tags.Count == 0 ? null : string.Join(",", a.Tags), Short(a.Parent), a.SessionId);
        return table;
    }

    /// <summary>A parent's id cut to its first hex digits: the whole id of each is in <c>llorch artifact lineage</c>.</summary>
    private static string? Short(string? id) => id is { Length: > 19 } ? id[..19] + "…" : id;

    /// <summary>A <c>--text</c> artifact: content that is exactly <c>{"text": "…"}</c>.</summary>
    private static bool IsText(JsonElement content, out string text)
    {
        text = "";
        if (content.ValueKind != JsonValueKind.Object) return false;
        var members = content.EnumerateObject().ToList();
        if (members is not [{ Name: "text", Value.ValueKind: JsonValueKind.String } only]) return false;
        text = only.Value.GetString()!;
        return true;
    }
}

using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using LlamaOrch.Cli.Arguments;
using LlamaOrch.Cli.Output;
using LlamaOrch.Contracts.Catalog;
using LlamaOrch.Contracts;
using Spectre.Console;

namespace LlamaOrch.Cli.Commands;

/// <summary><c>llorch catalog add|get|ls|verify|state|rm</c>: the model catalog (docs/catalog.md).</summary>
internal static class CatalogCommand
{
    private static readonly TimeSpan VerifyPoll = TimeSpan.FromMilliseconds(250);

    public static Command Create()
    {
        var command = new Command("catalog", "The model catalog: add, get, ls, verify, state, rm");
        command.Subcommands.Add(Add());
        command.Subcommands.Add(Get());
        command.Subcommands.Add(List());
        command.Subcommands.Add(Verify());
        command.Subcommands.Add(State());
        command.Subcommands.Add(Remove());
        return command;
    }

    private static Argument<string> IdArgument() => new("id") { Description = "the catalog id" };

    private static Command Add()
    {
        var id = new Argument<string>("id") { Description = "the catalog id (letters, digits, . _ : -; tasks may name it as their model)" };
        var source = new Option<string?>("--source", "-s") { Description = "the model ref of the file (hf:org/repo/file.gguf, https://…, file:/abs/path.gguf or a path); default: the id" };
        var digest = new Option<string?>("--digest") { Description = "the file's expected digest, sha256:<64 hex>" };
        var tags = new Option<string[]>("--tag", "-t") { Description = "a tag (repeat for more)", AllowMultipleArgumentsPerToken = false };
        var signatures = new Option<string[]>("--signature") { Description = "KEY_ID:ALGORITHM:BASE64 over the digest (repeat for more); algorithm ecdsa-p256-sha256 or rsa-pss-sha256" };
        var sbom = new Option<FileInfo?>("--sbom") { Description = "a JSON file with the model's SBOM (SPDX, CycloneDX, …)" };
        var trust = new Option<string?>("--trust") { Description = "trust policy mode: permissive (default) or strict" };
        trust.AcceptOnlyFromAmong("permissive", "strict");
        var requireSignature = new Option<bool>("--require-signature") { Description = "verification needs a valid signature" };
        var requireSbom = new Option<bool>("--require-sbom") { Description = "verification needs an SBOM" };
        digest.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<string?>() is { } d && !System.Text.RegularExpressions.Regex.IsMatch(d, "^sha256:[0-9A-Fa-f]{64}$"))
                r.AddError($"--digest: '{d}' is not sha256:<64 hex digits>");
        });
        var command = new Command("add", "Register a model with its digest, signatures, SBOM and trust policy")
        {
            id, source, digest, tags, signatures, sbom, trust, requireSignature, requireSbom,
        };
        command.SetAction((parse, cancellationToken) => CliContext.RunAsync(parse, cancellationToken, async (cli, ct) =>
        {
            var request = new CatalogModelRequest
            {
                Id = parse.GetValue(id),
                SourceUrl = parse.GetValue(source),
                Digest = parse.GetValue(digest),
                Tags = parse.GetValue(tags) is { Length: > 0 } t ? [.. t] : null,
                Signatures = parse.GetValue(signatures) is { Length: > 0 } s ? [.. s.Select(SignatureOf)] : null,
                Sbom = parse.GetValue(sbom) is { } file ? await JsonFiles.ReadObjectAsync(file, "--sbom", ct) : null,
                TrustPolicy = parse.GetValue(trust) is not null || parse.GetValue(requireSignature) || parse.GetValue(requireSbom)
                    ? new TrustPolicyBody(parse.GetValue(trust), parse.GetValue(requireSignature), parse.GetValue(requireSbom))
                    : null,
            };
            var answer = await cli.Client.RegisterModelAsync(request, ct);
            cli.Output.Traced(answer);
            return await ShowAsync(cli, answer.Value, ct);
        }));
        return command;
    }

    private static SignatureBody SignatureOf(string text)
    {
        var parts = text.Split(':', 3);
        if (parts.Length != 3 || parts.Any(p => p.Length == 0))
            throw new UsageException($"--signature: '{text}' is not KEY_ID:ALGORITHM:BASE64");
        return new SignatureBody(parts[0], parts[1], parts[2]);
    }

    private static Command Get()
    {
        var id = IdArgument();
        var command = new Command("get", "Show a catalog entry: state, digest, verification, the pools serving it") { id };
        command.SetAction((parse, cancellationToken) => CliContext.RunAsync(parse, cancellationToken, async (cli, ct) =>
        {
            var answer = await cli.Client.GetModelAsync(parse.GetValue(id)!, ct);
            cli.Output.Traced(answer);
            return await ShowAsync(cli, answer.Value, ct);
        }));
        return command;
    }

    private static Command List()
    {
        var limit = Ids.Limit("entries");
        var cursor = new Option<string?>("--cursor") { Description = "the next_cursor of the page before" };
        var all = new Option<bool>("--all") { Description = "follow the cursors: every entry, as one list" };
        var command = new Command("ls", "List the catalog, in id order") { limit, cursor, all };
        command.SetAction((parse, cancellationToken) => CliContext.RunAsync(parse, cancellationToken, async (cli, ct) =>
        {
            var page = (await cli.Client.ListModelsAsync(parse.GetValue(limit), parse.GetValue(cursor), ct)).Value;
            var models = page.Models.ToList();
            while (parse.GetValue(all) && page.NextCursor is { } next)
            {
                page = (await cli.Client.ListModelsAsync(parse.GetValue(limit), next, ct)).Value;
                models.AddRange(page.Models);
            }
            var listed = new CatalogListResponse(models, page.NextCursor);
            if (cli.Output.Json)
            {
                await CliOutput.WriteJsonAsync(listed, ContractsJsonContext.Default.CatalogListResponse, ct);
                return ExitCodes.Ok;
            }
            var table = CliOutput.Table("id", "state", "verification", "source", "digest", "tags", "pools");
            foreach (var m in models)
                CliOutput.AddRow(table, m.Id, CliOutput.State(m.State), CliOutput.State(m.Verification.Status), m.SourceUrl, Short(m.Digest), string.Join(",", m.Tags), string.Join(",", m.Pools));
            cli.Output.Console.Write(table);
            if (listed.NextCursor is { } more) CliOutput.Note($"more entries: llorch catalog ls --cursor {more} (or --all)");
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Verify()
    {
        var id = IdArgument();
        var wait = new Option<bool>("--wait", "-w") { Description = "wait for the verdict and show the entry (exit 1 when verification failed)" };
        var command = new Command("verify", "Verify a model's file against its digest, signatures and SBOM") { id, wait };
        command.SetAction((parse, cancellationToken) => CliContext.RunAsync(parse, cancellationToken, async (cli, ct) =>
        {
            var model = parse.GetValue(id)!;
            var started = await cli.Client.VerifyModelAsync(model, ct);
            cli.Output.Traced(started);
            if (!parse.GetValue(wait))
            {
                if (cli.Output.Json)
                    await CliOutput.WriteJsonAsync(started.Value, ContractsJsonContext.Default.VerifyResponse, ct);
                else
                    cli.Output.Console.WriteLine($"{model}: verification {started.Value.Status} (llorch catalog get {model} shows the verdict)");
                return ExitCodes.Ok;
            }
            var entry = (await cli.Client.GetModelAsync(model, ct)).Value;
            while (entry.Verification.Status == "pending")
            {
                await Task.Delay(VerifyPoll, ct);
                entry = (await cli.Client.GetModelAsync(model, ct)).Value;
            }
            await ShowAsync(cli, entry, ct);
            if (entry.Verification.Status != "failed") return ExitCodes.Ok;
            CliOutput.Note($"verification of {model} failed: {string.Join("; ", entry.Verification.Problems)}");
            return ExitCodes.Failed;
        }));
        return command;
    }

    private static Command State()
    {
        var id = IdArgument();
        var state = new Argument<string>("state") { Description = "Active or Retired" };
        state.AcceptOnlyFromAmong("Active", "Retired");
        var deadline = new Option<TimeSpan?>("--deadline", "-d")
        {
            Description = "when retiring: how long the pools serving it may finish their work, e.g. 30s (default 0: at once)",
            CustomParser = Durations.Parse,
        };
        var command = new Command("state", "Retire a model (its pools drain) or make it Active again") { id, state, deadline };
        command.SetAction((parse, cancellationToken) => CliContext.RunAsync(parse, cancellationToken, async (cli, ct) =>
        {
            var ms = parse.GetValue(deadline) is { } d ? (long)d.TotalMilliseconds : (long?)null;
            var answer = await cli.Client.SetModelStateAsync(parse.GetValue(id)!, parse.GetValue(state)!, ms, ct);
            cli.Output.Traced(answer);
            var r = answer.Value;
            if (cli.Output.Json)
                await CliOutput.WriteJsonAsync(r, ContractsJsonContext.Default.StateResponse, ct);
            else
                cli.Output.Console.WriteLine($"{r.Id} is {r.State}; pools {(r.State == "Retired" ? "draining" : "serving it again")}: {Failures.Listed(r.Pools)}");
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Remove()
    {
        var id = IdArgument();
        var command = new Command("rm", "Delete a catalog entry (refused while a pool serves it)") { id };
        command.SetAction((parse, cancellationToken) => CliContext.RunAsync(parse, cancellationToken, async (cli, ct) =>
        {
            var model = parse.GetValue(id)!;
            var answer = await cli.Client.DeleteModelAsync(model, ct);
            cli.Output.Traced(answer);
            await Deleted.WriteAsync(cli, "catalog entry", model, ct);
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static async Task<int> ShowAsync(CliContext cli, CatalogModelResponse m, CancellationToken cancellationToken)
    {
        if (cli.Output.Json)
        {
            await CliOutput.WriteJsonAsync(m, ContractsJsonContext.Default.CatalogModelResponse, cancellationToken);
            return ExitCodes.Ok;
        }
        var v = m.Verification;
        var grid = new Spectre.Console.Grid().AddColumn().AddColumn();
        void Row(string name, object? value) => grid.AddRow(Spectre.Console.Markup.Escape(name), Spectre.Console.Markup.Escape(value?.ToString() ?? "-"));
        Row("id", m.Id);
        Row("state", m.State);
        Row("source", m.SourceUrl);
        Row("digest", m.Digest);
        Row("tags", m.Tags.Count == 0 ? null : string.Join(", ", m.Tags));
        Row("trust", $"{m.TrustPolicy.Mode}{(m.TrustPolicy.RequireSignature == true ? ", signature required" : "")}{(m.TrustPolicy.RequireSbom == true ? ", SBOM required" : "")}");
        Row("signatures", m.Signatures.Count == 0 ? null : string.Join(", ", m.Signatures.Select(s => $"{s.KeyId} ({s.Algorithm})")));
        Row("verification", v.Status + (v.CheckedMs is { } at ? $" at {DateTimeOffset.FromUnixTimeMilliseconds(at).ToString("u", CultureInfo.InvariantCulture)}" : ""));
        if (v.Problems.Count > 0) Row("problems", string.Join("; ", v.Problems));
        if (v.Warnings.Count > 0) Row("warnings", string.Join("; ", v.Warnings));
        Row("pools", m.Pools.Count == 0 ? null : string.Join(", ", m.Pools));
        cli.Output.Console.Write(grid);
        return ExitCodes.Ok;
    }

    private static string? Short(string? digest) => digest is { Length: > 19 } ? digest[..19] + "…" : digest;
}

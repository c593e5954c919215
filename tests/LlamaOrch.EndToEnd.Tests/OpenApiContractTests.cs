using LlamaOrch.Testing;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace LlamaOrch.EndToEnd.Tests;

/// <summary>contracts/openapi/data.yaml and control.yaml together must describe exactly the operations orchestratord maps.</summary>
public sealed partial class OpenApiContractTests(FastPoolFixture fixture) : IClassFixture<FastPoolFixture>
{
    [Fact]
    public void The_contracts_list_every_mapped_operation_and_no_other()
    {
        var mapped = fixture.Orchestrator.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? []).Select(m => $"{m.ToLowerInvariant()} {e.RoutePattern.RawText}"))
            .Order()
            .ToList();

        Assert.Contains("post /v1/tasks", mapped);
        var documented = new[] { "data.yaml", "control.yaml" }
            .SelectMany(file => DocumentedOperations(File.ReadAllLines(RepoPaths.InRepo("contracts", "openapi", file))))
            .Order()
            .ToList();
        Assert.Equal(mapped, documented);
    }

    [Theory]
    [InlineData("data.yaml")]
    [InlineData("control.yaml")]
    public void Each_contract_publishes_an_api_version(string file)
    {
        var text = File.ReadAllText(RepoPaths.InRepo("contracts", "openapi", file));
        Assert.Matches(VersionLine(), text);
        Assert.Contains("openapi: 3.1", text);
    }

    [Fact]
    public void The_error_code_enum_holds_every_code_the_server_sends_and_stream_errors_use_it()
    {
        var lines = File.ReadAllLines(RepoPaths.InRepo("contracts", "openapi", "data.yaml"));
        var start = Array.IndexOf(lines, "    ErrorCode:");
        var enumStart = Array.IndexOf(lines, "      enum:", start);
        var documented = lines.Skip(enumStart + 1).TakeWhile(l => l.StartsWith("        - ", StringComparison.Ordinal)).Select(l => l[10..].Trim()).Order().ToList();
        var sent = typeof(LlamaOrch.Contracts.Errors.ErrorCodes).GetFields()
            .Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!).Order().ToList();

        Assert.Equal(sent, documented);
        var frame = string.Join('\n', lines.SkipWhile(l => l != "    StreamErrorFrame:").Skip(1).TakeWhile(l => l.Length == 0 || l.StartsWith("      ", StringComparison.Ordinal)));
        Assert.Contains("code:\n          $ref: '#/components/schemas/ErrorCode'", frame);
    }

    private static IEnumerable<string> DocumentedOperations(string[] lines)
    {
        var operations = new List<string>();
        string? path = null;
        foreach (var line in lines)
        {
            if (PathLine().Match(line) is { Success: true } p) path = p.Groups[1].Value;
            else if (line.Length > 0 && !line.StartsWith(' ')) path = null; // left the paths: section
            else if (path is not null && MethodLine().Match(line) is { Success: true } m) operations.Add($"{m.Groups[1].Value} {path}");
        }
        return operations;
    }

    [GeneratedRegex(@"^  (/[^:]*):\s*$")]
    private static partial Regex PathLine();

    [GeneratedRegex(@"^    (get|post|put|delete|patch):\s*$")]
    private static partial Regex MethodLine();

    [GeneratedRegex(@"(?m)^info:\s*\n(?:  .*\n)*?  version: \d+\.\d+\.\d+")]
    private static partial Regex VersionLine();
}

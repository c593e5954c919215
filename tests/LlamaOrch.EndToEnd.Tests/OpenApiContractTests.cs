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

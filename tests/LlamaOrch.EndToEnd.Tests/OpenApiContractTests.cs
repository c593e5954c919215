using LlamaOrch.Testing;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace LlamaOrch.EndToEnd.Tests;

/// <summary>contracts/openapi/data.yaml must describe exactly the operations orchestratord maps.</summary>
public sealed partial class OpenApiContractTests(FastPoolFixture fixture) : IClassFixture<FastPoolFixture>
{
    [Fact]
    public void The_data_plane_contract_lists_every_mapped_operation_and_no_other()
    {
        var mapped = fixture.Orchestrator.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? []).Select(m => $"{m.ToLowerInvariant()} {e.RoutePattern.RawText}"))
            .Order()
            .ToList();

        Assert.Contains("post /v1/tasks", mapped);
        Assert.Equal(mapped, DocumentedOperations(File.ReadAllLines(RepoPaths.InRepo("contracts", "openapi", "data.yaml"))));
    }

    [Fact]
    public void The_contract_publishes_an_api_version()
    {
        var text = File.ReadAllText(RepoPaths.InRepo("contracts", "openapi", "data.yaml"));
        Assert.Matches(VersionLine(), text);
        Assert.Contains("openapi: 3.1", text);
    }

    private static List<string> DocumentedOperations(string[] lines)
    {
        var operations = new List<string>();
        string? path = null;
        foreach (var line in lines)
        {
            if (PathLine().Match(line) is { Success: true } p) path = p.Groups[1].Value;
            else if (line.Length > 0 && !line.StartsWith(' ')) path = null; // left the paths: section
            else if (path is not null && MethodLine().Match(line) is { Success: true } m) operations.Add($"{m.Groups[1].Value} {path}");
        }
        return operations.Order().ToList();
    }

    [GeneratedRegex(@"^  (/[^:]*):\s*$")]
    private static partial Regex PathLine();

    [GeneratedRegex(@"^    (get|post|put|delete|patch):\s*$")]
    private static partial Regex MethodLine();

    [GeneratedRegex(@"(?m)^info:\s*\n(?:  .*\n)*?  version: \d+\.\d+\.\d+")]
    private static partial Regex VersionLine();
}

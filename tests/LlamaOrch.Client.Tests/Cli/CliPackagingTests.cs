using System.Diagnostics;
using LlamaOrch.Testing;

namespace LlamaOrch.Client.Tests.Cli;

/// <summary>
/// llorch as the .NET tool people install: packed once for the class from the build this test runs on, installed
/// into a temporary tool path from that folder alone (no network: a nuget.config with only the local source, and its
/// own packages folder so no older LlamaOrch.Cli from the cache stands in), then run against a real orchestratord.
/// </summary>
public sealed class CliPackagingTests(CliPackagingTests.InstalledTool tool) : IClassFixture<CliPackagingTests.InstalledTool>
{
    [Fact]
    public async Task The_installed_tool_runs_caps_against_a_real_orchestratord()
    {
        var result = await new Llorch(tool.Server.Orchestrator.Address).RunAsync(["caps", "--json"], new LlorchStart
        {
            Executable = tool.Command,
            Environment = { ["DOTNET_ROOT"] = InstalledTool.DotnetRoot },
        });

        Assert.Contains(result.Json.GetProperty("engines").EnumerateArray(), e => e.GetProperty("pool_id").GetString() == "tiny");
        Assert.False(string.IsNullOrEmpty(result.Json.GetProperty("api_version").GetString()));
    }

    [Fact]
    public async Task The_installed_tool_says_its_commands_and_refuses_a_bad_one_with_exit_2()
    {
        var start = new LlorchStart { Executable = tool.Command, Environment = { ["DOTNET_ROOT"] = InstalledTool.DotnetRoot } };
        var llorch = new Llorch(tool.Server.Orchestrator.Address);

        var help = await llorch.RunAsync(["--help"], start);
        Assert.Equal(0, help.Code);
        foreach (var command in new[] { "run", "caps", "replicas", "pool", "catalog", "session", "artifact", "tools" })
            Assert.Contains(command, help.Stdout);

        var bad = await llorch.RunAsync(["pool", "explode", "fast"], start);
        Assert.Equal(2, bad.Code);
    }

    /// <summary>The packed and installed tool, and a server to run it against.</summary>
    public sealed class InstalledTool : IAsyncLifetime
    {
        private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("llorch-tool-");

        public SimServer Server { get; } = new();

        /// <summary>The installed <c>llorch</c> command.</summary>
        public string Command => Path.Combine(_root.FullName, "tools", "llorch");

        /// <summary>Where the tool's apphost finds the runtime: the folder of the dotnet running these tests.</summary>
        public static string DotnetRoot =>
            Path.GetDirectoryName(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : Environment.ProcessPath)!;

        public async Task InitializeAsync()
        {
            var packages = Path.Combine(_root.FullName, "packages");
            var config = Path.Combine(_root.FullName, "nuget.config");
            await File.WriteAllTextAsync(config, $"""
                <?xml version="1.0" encoding="utf-8"?>
                <configuration>
                  <packageSources>
                    <clear />
                    <add key="local" value="{packages}" />
                  </packageSources>
                </configuration>
                """);
            var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
            // The build under test, not a new one: the test project has built llorch already in this configuration.
            await DotnetAsync(isolatedCache: false, "pack", RepoPaths.InRepo("src", "LlamaOrch.Cli", "LlamaOrch.Cli.csproj"), "--no-build", "-c", configuration, "-o", packages);
            Assert.Single(Directory.GetFiles(packages, "LlamaOrch.Cli.*.nupkg"));
            await DotnetAsync(isolatedCache: true, "tool", "install", "LlamaOrch.Cli", "--tool-path", Path.Combine(_root.FullName, "tools"), "--configfile", config,
                "--ignore-failed-sources");
            await Server.InitializeAsync();
        }

        /// <param name="isolatedCache">Extract packages into this test's own folder, not the machine's NuGet cache.</param>
        private async Task DotnetAsync(bool isolatedCache, params string[] args)
        {
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var arg in args) start.ArgumentList.Add(arg);
            if (isolatedCache) start.Environment["NUGET_PACKAGES"] = Path.Combine(_root.FullName, "nuget-cache");
            start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
            start.Environment["DOTNET_NOLOGO"] = "1";
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var patience = new CancellationTokenSource(TimeSpan.FromMinutes(5));
            await process.WaitForExitAsync(patience.Token);
            Assert.True(process.ExitCode == 0, $"dotnet {string.Join(' ', args)}: exit {process.ExitCode}\n{await stdout}\n{await stderr}");
        }

        public async Task DisposeAsync()
        {
            await Server.DisposeAsync();
            _root.Delete(recursive: true);
        }
    }
}

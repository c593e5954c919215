namespace LlamaOrch.Client.Tests.Cli;

/// <summary>
/// One orchestratord for the control commands' test classes, which run one after another: each starts llorch as a
/// process, so the server's start is what costs. Tests that change a pool (drain, reload) put it back.
/// </summary>
[CollectionDefinition(Name)]
public sealed class CliServer : ICollectionFixture<SimServer>
{
    public const string Name = "llorch control commands";
}

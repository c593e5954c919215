using System.CommandLine;
using LlamaOrch.Cli.Commands;
using LlamaOrch.Cli;

var root = new RootCommand("llorch: the command line for orchestratord (llama-orch)")
{
    GlobalOptions.Url, GlobalOptions.Token, GlobalOptions.CorrelationId, GlobalOptions.Json, GlobalOptions.Verbose, GlobalOptions.RetryFor,
};
root.Subcommands.Add(RunCommand.Create());
root.Subcommands.Add(CapsCommand.Create());
root.Subcommands.Add(ReplicasCommand.Create());
root.Subcommands.Add(PoolCommand.Create());
root.Subcommands.Add(CatalogCommand.Create());
root.Subcommands.Add(SessionCommand.Create());
root.Subcommands.Add(ArtifactCommand.Create());
root.Subcommands.Add(ToolsCommand.Create());
root.Subcommands.Add(ChatCommand.Create());
root.Subcommands.Add(BatchCommand.Create());
root.Subcommands.Add(TopCommand.Create());
return await CliMain.InvokeAsync(root, args);

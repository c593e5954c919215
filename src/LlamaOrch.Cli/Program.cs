using System.CommandLine;
using LlamaOrch.Cli;
using LlamaOrch.Cli.Commands;

var root = new RootCommand("llorch: the command line for orchestratord (llama-orch)")
{
    GlobalOptions.Url, GlobalOptions.Token, GlobalOptions.CorrelationId, GlobalOptions.Json,
};
root.Subcommands.Add(RunCommand.Create());
root.Subcommands.Add(CapsCommand.Create());
root.Subcommands.Add(ChatCommand.Create());
root.Subcommands.Add(BatchCommand.Create());
root.Subcommands.Add(TopCommand.Create());
return await root.Parse(args).InvokeAsync();

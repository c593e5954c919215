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
// Ctrl-C cancels the command's token; the grace lets a command cancel its tasks on the server (the SDK waits up to
// 10 s for that) and say so before System.CommandLine gives up on it and exits with 130 (its default grace is 2 s).
return await root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(12) });

using System.CommandLine.Invocation;
using System.CommandLine;

namespace LlamaOrch.Cli;

/// <summary>Parses and runs; a command line that does not parse is one line per error on stderr and exit code 2, not the help page.</summary>
internal static class CliMain
{
    public static async Task<int> InvokeAsync(RootCommand root, string[] args)
    {
        var parse = root.Parse(args);
        if (parse.Action is ParseErrorAction && parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors) await Console.Error.WriteLineAsync($"llorch: {error.Message}");
            await Console.Error.WriteLineAsync($"llorch: see '{PathOf(parse.CommandResult)} --help'");
            return ExitCodes.Usage;
        }
        // Ctrl-C cancels the command's token; the grace lets a command cancel its tasks on the server (the SDK waits up
        // to 10 s for that) and say so before System.CommandLine gives up on it and exits with 130 (its default is 2 s).
        return await parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(12) });
    }

    private static string PathOf(System.CommandLine.Parsing.CommandResult command)
    {
        var names = new List<string>();
        for (var c = command; c is not null; c = c.Parent as System.CommandLine.Parsing.CommandResult)
            names.Insert(0, c.Parent is null ? "llorch" : c.Command.Name);
        return string.Join(' ', names);
    }
}

using LlamaOrch.EngineHost.Hosting;

var parsed = EngineOptionsParser.Parse(args);
if (parsed.HelpRequested)
{
    EngineOptionsParser.WriteHelp(Console.Out);
    return 0;
}

if (parsed.Options is null)
{
    Console.Error.WriteLine($"llorch-engine: {parsed.Error}");
    Console.Error.WriteLine("Run llorch-engine --help for the arguments it accepts.");
    return ExitCodes.InvalidArguments;
}

if (!ParentProcessWatcher.TryReadParentPid(out var parentPid, out var parentError))
{
    Console.Error.WriteLine($"llorch-engine: {parentError}");
    return ExitCodes.InvalidArguments;
}

return await EngineApplication.RunAsync(parsed.Options, parentPid);

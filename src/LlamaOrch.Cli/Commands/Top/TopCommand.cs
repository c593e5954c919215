using System.CommandLine;
using Spectre.Console;

namespace LlamaOrch.Cli.Commands;

/// <summary>
/// <c>llorch top</c>: a live view of pools, replicas, devices, queue depths and tokens/s, read from the API every
/// <c>--interval</c>, as <c>htop</c> and <c>nvtop</c> show a machine. <c>q</c> or Ctrl-C quits and restores the terminal.
/// <c>--once</c> (and <c>--json</c>) prints one frame, its tokens/s measured over one interval.
/// </summary>
internal static class TopCommand
{
    public static Command Create()
    {
        var interval = new Option<double>("--interval") { Description = "seconds between refreshes", DefaultValueFactory = _ => 1.0 };
        interval.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<double>() is not (>= 0.1 and <= 3600))
                result.AddError("--interval: between 0.1 and 3600 seconds");
        });
        var once = new Option<bool>("--once") { Description = "print one frame and exit" };
        var command = new Command("top", "A live view of pools, replicas, devices, queues and tokens/s") { interval, once };
        command.SetAction((parse, cancellationToken) => CliContext.RunAsync(parse, cancellationToken, async (cli, ct) =>
        {
            var client = cli.Client;
            var sampler = new TopSampler(client);
            var every = TimeSpan.FromSeconds(parse.GetValue(interval));
            var url = cli.Url;
            if (parse.GetValue(once) || parse.GetValue(GlobalOptions.Json))
            {
                await sampler.SampleAsync(cancellationToken);
                await Task.Delay(every, cancellationToken);
                var snapshot = await sampler.SampleAsync(cancellationToken);
                if (parse.GetValue(GlobalOptions.Json))
                {
                    await using var stdout = Console.OpenStandardOutput();
                    await stdout.WriteAsync(TopJson.Serialize(snapshot), cancellationToken);
                }
                else
                {
                    AnsiConsole.Write(TopView.Render(snapshot, url, every, live: false));
                }
                return ExitCodes.Ok;
            }
            await LiveAsync(sampler, url, every, cancellationToken);
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static async Task LiveAsync(TopSampler sampler, string url, TimeSpan every, CancellationToken cancellationToken)
    {
        var first = await sampler.SampleAsync(cancellationToken);
        var console = AnsiConsole.Console;
        var alternate = !Console.IsOutputRedirected && console.Profile.Capabilities.Ansi;
        await using var keys = new TopKeys(cancellationToken);
        // The alternate screen keeps the person's scrollback as it was; leaving it restores what was there.
        if (alternate) console.Write(new ControlCode("\u001b[?1049h\u001b[H"));
        try
        {
            await console.Live(TopView.Render(first, url, every, live: true)).AutoClear(false).StartAsync(async context =>
            {
                while (!keys.Quit.IsCancellationRequested)
                {
                    try
                    {
                        await Task.Delay(every, keys.Quit);
                        context.UpdateTarget(TopView.Render(await sampler.SampleAsync(keys.Quit), url, every, live: true));
                    }
                    catch (OperationCanceledException) when (keys.Quit.IsCancellationRequested)
                    {
                        return;
                    }
                }
            });
        }
        finally
        {
            if (alternate) console.Write(new ControlCode("\u001b[?1049l"));
            console.Cursor.Show();
        }
        cancellationToken.ThrowIfCancellationRequested();
    }
}

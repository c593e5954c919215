using System.Globalization;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace LlamaOrch.Cli.Commands;

/// <summary>One frame of <c>llorch top</c> for a person: pools, replicas and devices as tables, VRAM as bars.</summary>
internal static class TopView
{
    private const int BarWidth = 20;

    public static IRenderable Render(TopSnapshot snapshot, string url, TimeSpan interval, bool live)
    {
        var header = new Markup(
            $"[bold]llorch top[/]  {Markup.Escape(url)}  API {Markup.Escape(snapshot.ApiVersion)}  {snapshot.TakenAt:HH:mm:ss} UTC" +
            (live ? $"  every {interval.TotalSeconds.ToString("0.##", CultureInfo.InvariantCulture)} s  [dim](q quits)[/]" : ""));
        return new Rows(header, Pools(snapshot), Replicas(snapshot), Devices(snapshot));
    }

    private static Table Pools(TopSnapshot snapshot)
    {
        var table = new Table().Title("pools").AddColumns("pool", "model", "state", "replicas", "busy/slots", "queue i/b (cap)", "tok/s");
        foreach (var p in snapshot.Pools)
        {
            var state = p.Draining ? "[yellow]draining[/]" : p.Ready ? "[green]ready[/]" : "[red]unready[/]";
            table.AddRow(
                Markup.Escape(p.PoolId), Markup.Escape(ShortModel(p.Model)), state,
                $"{p.ReplicasReady}/{p.ReplicasTotal}", $"{p.BusySlots}/{p.ReadySlots}",
                $"{p.QueueInteractive}/{p.QueueBatch} ({p.QueueCapacity})",
                p.TokensPerSecond is { } rate ? rate.ToString("0.0", CultureInfo.InvariantCulture) : "–");
        }
        return table;
    }

    private static Table Replicas(TopSnapshot snapshot)
    {
        var table = new Table().Title("replicas").AddColumns("replica", "pool", "state", "busy/slots", "tok/s", "ttft ms", "devices", "engine");
        foreach (var r in snapshot.Replicas)
        {
            var state = r.State switch
            {
                "ready" => "[green]ready[/]",
                "down" or "unresponsive" => $"[red]{r.State}[/]",
                _ => $"[yellow]{Markup.Escape(r.State)}[/]",
            };
            table.AddRow(
                Markup.Escape(r.Id), Markup.Escape(r.PoolId), state, $"{r.SlotsTotal - r.SlotsFree}/{r.SlotsTotal}",
                Number(r.Slo.TokensPerSecond ?? r.TokensPerSecond), Number(r.Slo.TtftMs ?? r.TtftMs),
                Markup.Escape(r.Devices.Count == 0 ? "–" : string.Join(",", r.Devices)), Markup.Escape(r.EngineVersion ?? r.Engine));
        }
        return table;
    }

    private static Table Devices(TopSnapshot snapshot)
    {
        var table = new Table().Title("devices").AddColumns("device", "VRAM used", "reserved", "util", "replicas");
        foreach (var d in snapshot.Devices)
        {
            var name = d.Index is { } index ? $"{d.Kind}{index} {d.Name}" : d.Name;
            table.AddRow(
                Markup.Escape(name), Vram(d.UsedVramBytes, d.TotalVramBytes), Gib(d.ReservedVramBytes),
                d.UtilizationPercent is { } util ? $"{util}%" : "–", d.Replicas.Count.ToString(CultureInfo.InvariantCulture));
        }
        return table;
    }

    /// <summary>A bar of used over total VRAM, as nvtop draws it; just the numbers where the total is unknown (CPU).</summary>
    internal static string Vram(long? used, long? total)
    {
        if (total is not > 0) return used is { } u ? Gib(u) : "–";
        var share = Math.Clamp((double)(used ?? 0) / total.Value, 0, 1);
        var filled = (int)Math.Round(share * BarWidth);
        var colour = share > 0.9 ? "red" : share > 0.7 ? "yellow" : "green";
        return $"[{colour}]{new string('█', filled)}[/][dim]{new string('░', BarWidth - filled)}[/] {Gib(used ?? 0)}/{Gib(total.Value)}";
    }

    /// <summary>A model file's name rather than its whole path: the path is in <c>llorch caps</c>.</summary>
    private static string ShortModel(string model) =>
        model.Contains('/', StringComparison.Ordinal) && !model.StartsWith("sim:", StringComparison.Ordinal) ? Path.GetFileName(model) : model;

    private static string Gib(long? bytes) =>
        bytes is { } b ? (b / (1024.0 * 1024 * 1024)).ToString("0.0", CultureInfo.InvariantCulture) + " GiB" : "–";

    private static string Number(double? value) => value is { } v ? v.ToString("0.0", CultureInfo.InvariantCulture) : "–";
}

using Prometheus;

namespace LlamaOrch.Server.Metrics;

/// <summary>
/// A gauge whose label sets come and go with what it describes (replicas, their devices, catalog entries): a
/// scrape sets the label sets that exist now, and <see cref="EndScrape"/> removes those the last scrape set and
/// this one did not, so a replica that went or a model that was deleted leaves no stale series behind.
/// Not thread-safe: its owner scrapes one at a time.
/// </summary>
internal sealed class ScrapedGauge(Gauge gauge)
{
    private Dictionary<string, string[]> _previous = new(StringComparer.Ordinal);
    private Dictionary<string, string[]> _current = new(StringComparer.Ordinal);

    public void Set(double value, params string[] labels)
    {
        gauge.WithLabels(labels).Set(value);
        // The unit separator cannot occur in our label values (ids, names, versions), so the key is unambiguous.
        _current[string.Join('\u001f', labels)] = labels;
    }

    public void EndScrape()
    {
        foreach (var (key, labels) in _previous)
            if (!_current.ContainsKey(key)) gauge.RemoveLabelled(labels);
        (_previous, _current) = (_current, _previous);
        _current.Clear();
    }
}

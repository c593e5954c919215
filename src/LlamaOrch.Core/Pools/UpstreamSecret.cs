namespace LlamaOrch.Core.Pools;

/// <summary>
/// An upstream's API key. Its <see cref="ToString"/> hides the value, so that a config record printed into a log
/// line or an exception message never carries it; only the HTTP handler that sends it reads <see cref="Reveal"/>.
/// </summary>
public sealed class UpstreamSecret(string value)
{
    public string Reveal() => value;

    public override string ToString() => "(hidden)";
}

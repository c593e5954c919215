using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace LlamaOrch.EngineProtocol.Simulation;

/// <summary>
/// A parsed <c>sim:NAME[?tps=N][&amp;vram_mib=M][&amp;load_ms=L]</c> model ref. The name only labels the model (it lands in the model path); <c>tps</c> is the
/// pace of each slot in tokens per second, where 0 means as fast as the host can write. <c>vram_mib</c> is the GPU memory the orchestrator's
/// placement books for the replica; the engine allocates nothing for it and only checks that it is a whole number of MiB.
/// <c>load_ms</c> is how long the model takes to load (the engine answers /health with 503 meanwhile), so tests can
/// see what a slow load does without a large model. The one grammar of these parameters: llorch-engine runs what it
/// accepts, and the orchestrator refuses the rest up front (a pool's model, a reload's new_model_ref), so no engine
/// is started only to exit on its command line.
/// </summary>
/// <param name="Ref">The ref exactly as given, reported back as the model path.</param>
internal sealed record SimModelRef(string Ref, double TokensPerSecond, int LoadMs = 0)
{
    private const int MaxLoadMs = 600_000;

    /// <summary>One token every 1,000 s: slower than that, a token's wait outgrows what a timer can wait (49 days).</summary>
    private const double MinTokensPerSecond = 0.001;

    public const double DefaultTokensPerSecond = 50;

    public static bool TryParse(
        string modelRef,
        [NotNullWhen(true)] out SimModelRef? result,
        [NotNullWhen(false)] out string? error)
    {
        result = null;
        if (!SimRef.TryParse(modelRef, out var parsed))
        {
            error = $"'{modelRef}' does not start with '{SimRef.Scheme}'";
            return false;
        }

        if (parsed.Name.Length == 0)
        {
            error = $"'{modelRef}' has no name after '{SimRef.Scheme}' (for example sim:fast?tps=2000)";
            return false;
        }

        var tokensPerSecond = DefaultTokensPerSecond;
        var loadMs = 0;
        foreach (var (key, value) in parsed.Parameters)
        {
            switch (key)
            {
                case SimVram.Parameter:
                    // Placement reads vram_mib; the engine holds no memory for it, but refuses what placement would refuse.
                    if (!SimVram.TryParse(value, out _))
                    {
                        error = SimVram.Invalid(modelRef, value);
                        return false;
                    }
                    break;
                case "load_ms":
                    if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out loadMs) || loadMs > MaxLoadMs)
                    {
                        error = $"'{modelRef}' has load_ms='{value}', which is not a whole number of milliseconds up to {MaxLoadMs}";
                        return false;
                    }
                    break;
                case "tps":
                    if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out tokensPerSecond)
                        || !double.IsFinite(tokensPerSecond) || tokensPerSecond < 0 || tokensPerSecond is > 0 and < MinTokensPerSecond)
                    {
                        error = $"'{modelRef}' has tps='{value}', which is neither 0 (unpaced) nor a number >= {MinTokensPerSecond.ToString(CultureInfo.InvariantCulture)}";
                        return false;
                    }
                    break;
                default:
                    error = $"'{modelRef}' has an unknown parameter '{key}' (the known ones are tps, load_ms and {SimVram.Parameter})";
                    return false;
            }
        }

        result = new SimModelRef(modelRef, tokensPerSecond, loadMs);
        error = null;
        return true;
    }
}

using System.Diagnostics.CodeAnalysis;

namespace LlamaOrch.EngineProtocol.Simulation;

/// <summary>
/// A <c>sim:NAME[?key=value[&amp;key=value…]]</c> model ref split into its name and its parameters, the one reading of
/// the syntax for llorch-engine (which runs the synthetic model), placement (which books its <c>vram_mib</c>) and the
/// orchestrator's capabilities. What the parameters mean is left to each reader.
/// </summary>
public sealed class SimRef
{
    public const string Scheme = "sim:";

    private SimRef(string name, IReadOnlyList<KeyValuePair<string, string>> parameters)
    {
        Name = name;
        Parameters = parameters;
    }

    /// <summary>What comes between the scheme and the '?'; may be empty.</summary>
    public string Name { get; }

    /// <summary>
    /// The <c>key=value</c> pairs after the '?', in order, repeats included; a pair without '=' has an empty value,
    /// and empty pairs (<c>a=1&amp;&amp;b=2</c>) are left out.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, string>> Parameters { get; }

    /// <summary>Whether the ref has the <c>sim:</c> scheme (lower case, as every reader has always required).</summary>
    public static bool IsSimRef(string modelRef) => modelRef.StartsWith(Scheme, StringComparison.Ordinal);

    /// <exception cref="FormatException">The ref has another scheme.</exception>
    public static SimRef Parse(string modelRef) =>
        TryParse(modelRef, out var simRef) ? simRef : throw new FormatException($"'{modelRef}' does not start with '{Scheme}'");

    /// <summary>Splits a sim ref; false for a ref with another scheme. Any text after <c>sim:</c> splits.</summary>
    public static bool TryParse(string modelRef, [NotNullWhen(true)] out SimRef? simRef)
    {
        if (!IsSimRef(modelRef))
        {
            simRef = null;
            return false;
        }

        var rest = modelRef.AsSpan(Scheme.Length);
        var queryStart = rest.IndexOf('?');
        if (queryStart < 0)
        {
            simRef = new SimRef(rest.ToString(), []);
            return true;
        }

        var query = rest[(queryStart + 1)..];
        var parameters = new List<KeyValuePair<string, string>>();
        foreach (var range in query.Split('&'))
        {
            var pair = query[range];
            if (pair.IsEmpty) continue;
            var equals = pair.IndexOf('=');
            parameters.Add(equals < 0
                ? new(pair.ToString(), string.Empty)
                : new(pair[..equals].ToString(), pair[(equals + 1)..].ToString()));
        }

        simRef = new SimRef(rest[..queryStart].ToString(), parameters);
        return true;
    }
}

namespace LlamaOrch.EndToEnd.Tests;

/// <summary>
/// Finds the Prometheus binaries (Debian package <c>prometheus</c>). A missing one fails the test rather than
/// skipping it: a silent skip would let CI pass without ever checking the exposition against a real Prometheus.
/// </summary>
internal static class PrometheusTools
{
    public static string Require(string name)
    {
        var found = (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);
        Assert.True(found is not null,
            $"{name} is not on PATH: install it with `apt-get install -y --no-install-recommends prometheus` (Debian's package, 2.42; .ci/run does this)");
        return found;
    }
}

namespace LlamaOrch.Testing;

/// <summary>
/// A stand-in nvidia-smi: a shell script that records its arguments and prints a given output for the GPU query,
/// and for the compute-apps query whatever <see cref="ReportComputeApps"/> last wrote (nothing until then, as a
/// driver that lists no process).
/// </summary>
internal static class FakeNvidiaSmi
{
    /// <summary>
    /// Writes the script into <paramref name="directory"/>; the GPU query's arguments land in <c>directory/args</c>,
    /// the compute-apps query's in <c>directory/compute-apps-args</c>.
    /// </summary>
    public static string Create(string directory, string output, int exitCode = 0)
    {
        var data = Path.Combine(directory, "output");
        File.WriteAllText(data, output);
        var apps = Path.Combine(directory, "compute-apps");
        var script = Path.Combine(directory, "nvidia-smi");
        File.WriteAllText(script, $"""
            #!/bin/sh
            case "$1" in
              --query-compute-apps=*)
                echo "$@" > '{directory}/compute-apps-args'
                [ -f '{apps}' ] || exit 0
                cat '{apps}'
                exit $(cat '{apps}-exit-code')
                ;;
            esac
            echo "$@" > '{directory}/args'
            cat '{data}'
            exit {exitCode}

            """);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return script;
    }

    /// <summary>
    /// What the script prints for the compute-apps query from now on: lines of "pid, gpu uuid, MiB" (or anything,
    /// to test what does not parse). Replaced in one rename, so a probe running meanwhile never reads half of it.
    /// </summary>
    public static void ReportComputeApps(string directory, string output, int exitCode = 0)
    {
        var apps = Path.Combine(directory, "compute-apps");
        File.WriteAllText(apps + "-exit-code", exitCode.ToString(System.Globalization.CultureInfo.InvariantCulture));
        File.WriteAllText(apps + ".new", output);
        File.Move(apps + ".new", apps, overwrite: true);
    }
}

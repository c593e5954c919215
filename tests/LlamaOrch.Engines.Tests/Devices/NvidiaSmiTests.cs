using LlamaOrch.Testing;
using LlamaOrch.Engines.Devices;

namespace LlamaOrch.Engines.Tests.Devices;

public sealed class NvidiaSmiTests : IDisposable
{
    private const long MiB = 1024L * 1024;
    private readonly string _dir = Directory.CreateTempSubdirectory("llorch-smi-").FullName;

    [Fact]
    public void Parses_a_3090_and_3060_box_with_memory_in_bytes()
    {
        var gpus = NvidiaSmiOutput.Parse(NvidiaSmiOutputs.Rtx3090And3060);

        Assert.Equal(2, gpus.Count);
        Assert.Equal(new GpuDevice(0, "GPU-6a3f0e4b-2c1d-4e5f-8a9b-0c1d2e3f4a5b", "NVIDIA GeForce RTX 3090", 24576 * MiB, 1536 * MiB, 22741 * MiB, 7), gpus[0]);
        Assert.Equal("NVIDIA GeForce RTX 3060", gpus[1].Name);
        Assert.Equal(11611 * MiB, gpus[1].FreeBytes);
    }

    [Fact]
    public void A_card_without_a_utilisation_counter_reports_none()
    {
        var gpu = Assert.Single(NvidiaSmiOutput.Parse(NvidiaSmiOutputs.OneGpuWithoutUtilization));
        Assert.Null(gpu.UtilizationPercent);
    }

    [Fact]
    public void Output_that_does_not_parse_names_the_line()
    {
        var error = Assert.Throws<FormatException>(() => NvidiaSmiOutput.Parse("0, GPU-x, RTX, lots, 1, 2, 3"));
        Assert.Contains("line 1", error.Message);
        Assert.Contains("memory.total", error.Message);
    }

    [Fact]
    public void Compute_apps_are_parsed_per_process_and_gpu_with_memory_in_bytes()
    {
        var processes = NvidiaSmiComputeApps.Parse(NvidiaSmiOutputs.ComputeAppsOn3090And3060);

        Assert.Equal(
        [
            new GpuProcess(4242, "GPU-6a3f0e4b-2c1d-4e5f-8a9b-0c1d2e3f4a5b", 1024 * MiB),
            new GpuProcess(4343, "GPU-6a3f0e4b-2c1d-4e5f-8a9b-0c1d2e3f4a5b", 300 * MiB),
            new GpuProcess(4343, "GPU-9b8a7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d", 200 * MiB),
        ], processes);
    }

    [Fact]
    public void Compute_apps_whose_memory_the_driver_withholds_are_left_out()
    {
        var process = Assert.Single(NvidiaSmiComputeApps.Parse(NvidiaSmiOutputs.ComputeAppsWithheld));
        Assert.Equal(4444, process.ProcessId);
    }

    [Fact]
    public void No_compute_apps_listed_is_no_process_not_an_error() => Assert.Empty(NvidiaSmiComputeApps.Parse(""));

    [Fact]
    public void Compute_apps_output_that_does_not_parse_names_the_line()
    {
        var error = Assert.Throws<FormatException>(() => NvidiaSmiComputeApps.Parse("4242, GPU-x, 10\nNo running processes found"));
        Assert.Contains("line 2", error.Message);

        error = Assert.Throws<FormatException>(() => NvidiaSmiComputeApps.Parse("[N/A], GPU-x, 10"));
        Assert.Contains("pid", error.Message);
    }

    [Fact]
    public async Task The_probe_runs_both_queries_and_reads_every_gpu_and_process()
    {
        var smi = FakeSmi(NvidiaSmiOutputs.Rtx3090And3060, exitCode: 0);
        FakeNvidiaSmi.ReportComputeApps(_dir, NvidiaSmiOutputs.ComputeAppsOn3090And3060);

        var snapshot = await new NvidiaSmiProbe(smi, TimeProvider.System).ProbeAsync(CancellationToken.None);

        Assert.Null(snapshot.ProbeError);
        Assert.Null(snapshot.ProcessProbeError);
        Assert.Equal([0, 1], snapshot.Gpus.Select(g => g.Index));
        Assert.Equal(NvidiaSmiOutput.QueryArguments, File.ReadAllText(Path.Combine(_dir, "args")).Trim());
        Assert.Equal(NvidiaSmiComputeApps.QueryArguments, File.ReadAllText(Path.Combine(_dir, "compute-apps-args")).Trim());
        Assert.Equal(300 * MiB, snapshot.ProcessUsedBytes(4343, snapshot.Gpus[0]));
        Assert.Equal(200 * MiB, snapshot.ProcessUsedBytes(4343, snapshot.Gpus[1]));
        Assert.Null(snapshot.ProcessUsedBytes(4242, snapshot.Gpus[1]));
    }

    [Fact]
    public async Task A_driver_that_lists_no_compute_apps_gives_gpus_without_processes_and_no_error()
    {
        var snapshot = await new NvidiaSmiProbe(FakeSmi(NvidiaSmiOutputs.Rtx3090And3060), TimeProvider.System).ProbeAsync(CancellationToken.None);

        Assert.Equal(2, snapshot.Gpus.Count);
        Assert.Empty(snapshot.Processes);
        Assert.Null(snapshot.ProcessProbeError);
    }

    [Theory]
    [InlineData("4242, GPU-6a3f0e4b-2c1d-4e5f-8a9b-0c1d2e3f4a5b, 1024\n", 6, "exit code 6")]
    [InlineData("4242, GPU-6a3f0e4b-2c1d-4e5f-8a9b-0c1d2e3f4a5b, 1024 MiB\n", 0, "used_memory '1024 MiB'")]
    public async Task A_failing_or_unparseable_compute_apps_query_keeps_the_gpus_and_says_why(string output, int exitCode, string reason)
    {
        var smi = FakeSmi(NvidiaSmiOutputs.Rtx3090And3060);
        FakeNvidiaSmi.ReportComputeApps(_dir, output, exitCode);

        var snapshot = await new NvidiaSmiProbe(smi, TimeProvider.System).ProbeAsync(CancellationToken.None);

        Assert.Null(snapshot.ProbeError);
        Assert.Equal(1536 * MiB, snapshot.Gpus[0].UsedBytes);
        Assert.Empty(snapshot.Processes);
        Assert.Contains(reason, snapshot.ProcessProbeError);
    }

    [Fact]
    public async Task A_machine_without_nvidia_smi_has_no_gpu_and_no_error()
    {
        var snapshot = await new NvidiaSmiProbe(Path.Combine(_dir, "no-such-nvidia-smi"), TimeProvider.System).ProbeAsync(CancellationToken.None);

        Assert.Empty(snapshot.Gpus);
        Assert.Null(snapshot.ProbeError);
    }

    [Fact]
    public async Task A_driver_that_is_not_loaded_is_reported_with_nvidia_smi_s_words()
    {
        var smi = FakeSmi(NvidiaSmiOutputs.DriverNotLoaded, exitCode: 9);

        var snapshot = await new NvidiaSmiProbe(smi, TimeProvider.System).ProbeAsync(CancellationToken.None);

        Assert.Empty(snapshot.Gpus);
        Assert.Contains("exit code 9", snapshot.ProbeError);
        Assert.Contains("couldn't communicate with the NVIDIA driver", snapshot.ProbeError);
    }

    [Fact]
    public async Task The_inventory_keeps_the_latest_snapshot()
    {
        var inventory = new DeviceInventory(new NvidiaSmiProbe(FakeSmi(NvidiaSmiOutputs.OneGpuWithoutUtilization, 0), TimeProvider.System));
        Assert.Empty(inventory.Current.Gpus);

        await inventory.RefreshAsync(CancellationToken.None);

        Assert.Equal("NVIDIA A10G", Assert.Single(inventory.Current.Gpus).Name);
    }

    private string FakeSmi(string output, int exitCode = 0) => FakeNvidiaSmi.Create(_dir, output, exitCode);

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}

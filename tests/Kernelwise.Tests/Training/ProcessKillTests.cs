using System.Diagnostics;
using Kernelwise.Formats;
using static Kernelwise.Tests.TrainingHelpers;
using Kernelwise.Training;

namespace Kernelwise.Tests.Training;

/// <summary>
/// A training process really killed mid-training (Process.Kill, no chance to clean up) leaves only intact checkpoints,
/// and training resumed from the last one ends exactly where uninterrupted training does.
/// </summary>
public sealed class ProcessKillTests : IDisposable
{
    private readonly string _dir = TempDir("kw-kill-");

    public void Dispose() => Directory.Delete(_dir, true);

    private static string ProbePath()
    {
        // tests/Kernelwise.Tests/bin/<configuration>/<tfm>/ → tests/Kernelwise.CheckpointProbe/bin/<configuration>/<tfm>/
        var here = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        string tfm = here.Name, configuration = here.Parent!.Name;
        var tests = here.Parent.Parent!.Parent!.Parent!;
        string probe = Path.Combine(tests.FullName, "Kernelwise.CheckpointProbe", "bin", configuration, tfm, "Kernelwise.CheckpointProbe.dll");
        Assert.True(File.Exists(probe), $"The probe process was not built: {probe}");
        return probe;
    }

    [Fact]
    public async Task Should_ResumeExactlyFromTheLastGoodCheckpoint_When_TheTrainingProcessIsKilled()
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(ProbePath());
        start.ArgumentList.Add(_dir);
        using var probe = Process.Start(start)!;
        var stderr = probe.StandardError.ReadToEndAsync();
        int reached = -1;
        try
        {
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < TimeSpan.FromSeconds(90) && !probe.HasExited)
            {
                if (TrainingCheckpoint.FindLatest(_dir) is string latest)
                {
                    using var c = TrainingCheckpoint.Read(latest);
                    reached = c.Epoch;
                    if (reached >= 2) break;
                }
                await Task.Delay(20);
            }
            if (probe.HasExited) Assert.Fail($"The probe exited early ({probe.ExitCode}): {await stderr}");
            Assert.True(reached >= 2, "The probe wrote no checkpoint beyond epoch 1 within 90 s.");
        }
        finally
        {
            if (!probe.HasExited) probe.Kill(entireProcessTree: true);
            probe.WaitForExit();
        }

        // Every file the killed process left under a checkpoint name is complete; a half-written one can only be a temporary file.
        var files = Directory.GetFiles(_dir, "*" + TrainingCheckpoint.Extension);
        Assert.NotEmpty(files);
        foreach (var f in files) Assert.True(TrainingCheckpoint.Verify(f, out var problem), problem);
        string last = TrainingCheckpoint.FindLatest(_dir)!;
        int epoch;
        using (var c = TrainingCheckpoint.Read(last)) epoch = c.Epoch;
        using (var rolling = TrainingCheckpoint.Read(Path.Combine(_dir, "last.kwckpt"))) Assert.InRange(rolling.Epoch, epoch - 1, epoch);

        int target = epoch + 1;
        using var resumed = ProbeRun.Train(null, target, resumeFrom: last);
        using var uninterrupted = ProbeRun.Train(null, target, resumeFrom: null);
        using var a = Weights(resumed);
        using var b = Weights(uninterrupted);
        Assert.True(BitIdentical(a, b), $"resumed from epoch {epoch} of a killed process, the weights differ from uninterrupted training (max {(a - b).abs().max().item<double>()})");
        Assert.Equal(uninterrupted.History["loss"], resumed.History["loss"]);
    }
}

using System.Diagnostics;
using System.Text;

namespace Kernelwise.Tests.Distributed;

/// <summary>
/// Starts the distributed probe (tests/Kernelwise.DistributedProbe) as real processes — under <c>mpirun</c> with
/// several ranks, or alone — and collects its output, never waiting past a deadline: a probe still running then is
/// killed with its whole process tree and the test fails.
/// </summary>
internal sealed class ProbeProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new(), _stderr = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    private ProbeProcess(ProcessStartInfo start)
    {
        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_stdout) _stdout.AppendLine(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_stderr) _stderr.AppendLine(e.Data); };
        _process.Start();
        _process.StandardInput.Close();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary><c>mpirun</c> from the PATH, or null where Open MPI's launcher is not installed.</summary>
    public static string? MpirunPath { get; } = FindOnPath("mpirun");

    /// <summary>Why a multi-process test is skipped here, or null when mpirun is there.</summary>
    public static string? SkipReason => MpirunPath is null
        ? "Needs Open MPI's mpirun, which is not on the PATH; install it with: apt-get install openmpi-bin libopenmpi-dev"
        : null;

    public string Stdout { get { lock (_stdout) return _stdout.ToString(); } }
    public string Stderr { get { lock (_stderr) return _stderr.ToString(); } }
    public string Output => $"--- stdout ---\n{Stdout}--- stderr ---\n{Stderr}";
    public TimeSpan Elapsed => _clock.Elapsed;
    public int ExitCode => _process.ExitCode;

    /// <summary>Launches <paramref name="ranks"/> probe processes with mpirun (1 libtorch thread each).</summary>
    public static ProbeProcess Mpirun(int ranks, params string[] probeArgs)
    {
        var start = Start(MpirunPath ?? throw new InvalidOperationException(SkipReason));
        // mpirun gives each rank a pseudo-terminal, so .NET's console would write terminal control codes into the output.
        start.Environment["TERM"] = "dumb";
        // Open MPI refuses to run as root unless told; only then is the flag given.
        if (Environment.UserName == "root") start.ArgumentList.Add("--allow-run-as-root");
        foreach (var a in new[] { "-np", ranks.ToString(System.Globalization.CultureInfo.InvariantCulture), "--oversubscribe", "dotnet", ProbePath() }) start.ArgumentList.Add(a);
        foreach (var a in probeArgs) start.ArgumentList.Add(a);
        return new ProbeProcess(start);
    }

    /// <summary>Runs the probe as one ordinary process, without an MPI launcher.</summary>
    public static ProbeProcess Alone(params string[] probeArgs)
    {
        var start = Start("dotnet");
        start.ArgumentList.Add(ProbePath());
        foreach (var a in probeArgs) start.ArgumentList.Add(a);
        // A test host started under mpirun would pass its launch variables on; an ordinary process has none.
        foreach (var v in new[] { "OMPI_COMM_WORLD_RANK", "OMPI_COMM_WORLD_SIZE", "PMI_RANK", "PMI_SIZE", "PMIX_RANK" }) start.Environment.Remove(v);
        return new ProbeProcess(start);
    }

    /// <summary>Waits for the exit; fails the test (after killing the process tree) past <paramref name="timeout"/>.</summary>
    public async Task<ProbeProcess> WaitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
            Assert.Fail($"The probe did not end within {timeout.TotalSeconds:F0} s (killed).\n{Output}");
        }
        _process.WaitForExit();          // drains the redirected output
        return this;
    }

    /// <summary>Waits until standard output holds a line matching <paramref name="pattern"/>; returns its match.</summary>
    public async Task<System.Text.RegularExpressions.Match> WaitForLineAsync(string pattern, TimeSpan timeout)
    {
        var regex = new System.Text.RegularExpressions.Regex(pattern);
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            var m = regex.Match(Stdout);
            if (m.Success) return m;
            if (_process.HasExited) break;
            await Task.Delay(20);
        }
        Kill();
        Assert.Fail($"The probe printed no line matching '{pattern}' within {timeout.TotalSeconds:F0} s.\n{Output}");
        throw new InvalidOperationException("unreachable");
    }

    public void Kill()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }

    private static ProcessStartInfo Start(string file) => new(file)
    {
        RedirectStandardOutput = true,
        RedirectStandardError = true,
        RedirectStandardInput = true,       // mpirun forwards its standard input to rank 0; give it none
        UseShellExecute = false,
    };

    private static string ProbePath()
    {
        // tests/Kernelwise.Tests/bin/<configuration>/<tfm>/ → tests/Kernelwise.DistributedProbe/bin/<configuration>/<tfm>/
        var here = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        string tfm = here.Name, configuration = here.Parent!.Name;
        var tests = here.Parent.Parent!.Parent!.Parent!;
        string probe = Path.Combine(tests.FullName, "Kernelwise.DistributedProbe", "bin", configuration, tfm, "Kernelwise.DistributedProbe.dll");
        Assert.True(File.Exists(probe), $"The distributed probe was not built: {probe}");
        return probe;
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name)).FirstOrDefault(File.Exists);
}

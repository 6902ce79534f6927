using System.Globalization;
using System.Text;
using Kernelwise.Benchmarks;

// Kernelwise benchmarks: side-by-side measurements against hand-written TorchSharp, printed as a Markdown table
// and written to benchmarks/results/<date>.md.
//   dotnet run -c Release --project benchmarks/Kernelwise.Benchmarks -- [suite ...] [--repeats N] [--quick] [--out FILE] [--threads N] [--set key=value]
// Suites that measure in fresh processes start this program again with `--child SUITE args...` (see ChildProcess).
var suites = typeof(IBenchmarkSuite).Assembly.GetTypes()
    .Where(t => typeof(IBenchmarkSuite).IsAssignableFrom(t) && !t.IsAbstract && !t.IsInterface)
    .Select(t => (IBenchmarkSuite)Activator.CreateInstance(t)!)
    .OrderBy(s => s.Name)
    .ToList();

int repeats = 10;
bool repeatsGiven = false;
bool quick = false;
string? outFile = null;
int threads = Environment.ProcessorCount;
var selected = new List<string>();
var settings = new Dictionary<string, string>();
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--repeats": repeats = int.Parse(args[++i], CultureInfo.InvariantCulture); repeatsGiven = true; break;
        case "--quick": quick = true; break;
        case "--set":
        {
            var pair = args[++i].Split('=', 2);
            if (pair.Length != 2) { Console.Error.WriteLine($"--set expects key=value; received '{args[i]}'."); return 2; }
            settings[pair[0]] = pair[1];
            break;
        }
        case "--out": outFile = args[++i]; break;
        case "--threads": threads = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--child":
        {
            TorchSharp.torch.set_num_threads(threads);
            string name = args[++i];
            if (suites.FirstOrDefault(s => s.Name == name) is not IChildProcessSuite child)
            {
                Console.Error.WriteLine($"Suite '{name}' does not run child processes.");
                return 2;
            }
            child.RunChild(args[(i + 1)..], new ChildReport(Console.Out));
            return 0;
        }
        case "--list":
            foreach (var s in suites) Console.WriteLine($"{s.Name,-12} {s.Description}");
            return 0;
        default: selected.Add(args[i]); break;
    }
}
var unknown = selected.Where(n => suites.All(s => s.Name != n)).ToList();
if (unknown.Count > 0)
{
    Console.Error.WriteLine($"Unknown suite(s): {string.Join(", ", unknown)}. Available: {string.Join(", ", suites.Select(s => s.Name))}.");
    return 2;
}
TorchSharp.torch.set_num_threads(threads);
var context = new BenchmarkContext(repeats, quick, repeatsGiven, threads, settings);
var report = new StringBuilder();
report.AppendLine($"# Kernelwise benchmarks — {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
report.AppendLine();
report.AppendLine($"Machine: {Environment.ProcessorCount} logical CPUs, {CpuName()}, {MemoryTotal()}, {Environment.OSVersion}; libtorch threads: {threads}; .NET {Environment.Version}; " +
    $"allocator policy: {Kernelwise.Platform.KernelwiseRuntime.AllocatorPolicy}; repeats: {(repeatsGiven ? repeats.ToString(CultureInfo.InvariantCulture) : "suite defaults")}{(quick ? " (quick)" : "")}.");
report.AppendLine();
foreach (var suite in suites.Where(s => selected.Count == 0 || selected.Contains(s.Name)))
{
    Console.Error.WriteLine($"Running {suite.Name}: {suite.Description}");
    string loadBefore = Stats.LoadAverage();
    var clock = System.Diagnostics.Stopwatch.StartNew();
    var results = suite.Run(context).ToList();
    report.AppendLine($"## {suite.Name}");
    report.AppendLine();
    report.AppendLine(suite.Description);
    report.AppendLine();
    report.AppendLine($"Load average (1/5/15 min) before: {loadBefore}; after: {Stats.LoadAverage()}; suite wall time {clock.Elapsed.TotalSeconds:0} s.");
    report.AppendLine();
    report.AppendLine("| Case | Median | Min | Max | Unit | Ratio to baseline | Note |");
    report.AppendLine("|---|---:|---:|---:|---|---:|---|");
    foreach (var r in results)
    {
        string ratio = "";
        if (r.Baseline is not null && results.FirstOrDefault(b => b.Case == r.Baseline) is { } baseline)
            ratio = (r.Median / baseline.Median).ToString("0.000", CultureInfo.InvariantCulture) + $" (vs {baseline.Case})";
        report.AppendLine($"| {r.Case} | {F(r.Median)} | {F(r.Min)} | {F(r.Max)} | {r.Unit} | {ratio} | {r.Note} |");
    }
    report.AppendLine();
}
Console.WriteLine(report.ToString());
outFile ??= Path.Combine(FindRepoRoot(), "benchmarks", "results", $"{DateTime.UtcNow:yyyy-MM-dd-HHmm}.md");
Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(outFile))!);
File.WriteAllText(outFile, report.ToString());
Console.Error.WriteLine($"Written to {outFile}");
return 0;

static string F(double v) => double.IsNaN(v) ? "-"
    : Math.Abs(v) >= 100 ? v.ToString("0.0", CultureInfo.InvariantCulture)
    : v != 0 && Math.Abs(v) < 0.001 ? v.ToString("0.00E+0", CultureInfo.InvariantCulture) // output differences, say
    : v.ToString("0.000", CultureInfo.InvariantCulture);

static string CpuName()
{
    try
    {
        var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
        return line?.Split(':', 2)[1].Trim() ?? "unknown CPU";
    }
    catch (IOException) { return "unknown CPU"; }
}

static string MemoryTotal()
{
    try
    {
        var line = File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
        if (line is null) return "unknown memory";
        long kb = long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
        return $"{kb / 1024.0 / 1024.0:0.0} GiB RAM";
    }
    catch (IOException) { return "unknown memory"; }
}

static string FindRepoRoot() => BenchmarkPaths.RepoRoot;

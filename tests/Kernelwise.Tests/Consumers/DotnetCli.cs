using System.Diagnostics;
using System.Text;

namespace Kernelwise.Tests.Consumers;

/// <summary>Runs the dotnet CLI as a user would, from a folder of the test's choosing, and collects its output.</summary>
internal static class DotnetCli
{
    /// <summary>The repository's root: the folder above the test's output that holds src/Kernelwise/Kernelwise.csproj.</summary>
    public static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "src", "Kernelwise", "Kernelwise.csproj"))) return folder.FullName;
        }
        throw new InvalidOperationException($"No src/Kernelwise/Kernelwise.csproj above '{AppContext.BaseDirectory}'.");
    }

    /// <summary>
    /// Runs <c>dotnet</c> with <paramref name="arguments"/>; returns the exit code and stdout and stderr interleaved.
    /// MSBuild's node reuse and build server are off, so no child process outlives the command and holds its output open;
    /// the MSBuild variables of the test's own build are not passed on.
    /// </summary>
    public static (int ExitCode, string Output) Run(string workingDirectory, IReadOnlyDictionary<string, string> environment, TimeSpan timeout, params string[] arguments)
    {
        string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
        var info = new ProcessStartInfo(dotnet, arguments)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) || k.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)).ToList())
            info.Environment.Remove(key);
        info.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        info.Environment["DOTNET_CLI_DO_NOT_USE_MSBUILD_SERVER"] = "1";
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (key, value) in environment) info.Environment[key] = value;

        var output = new StringBuilder();
        using var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            lock (output) return (-1, $"dotnet {string.Join(' ', arguments)} did not finish within {timeout}; killed. Output so far:\n{output}");
        }
        process.WaitForExit(); // drains the asynchronous readers
        lock (output) return (process.ExitCode, output.ToString());
    }
}

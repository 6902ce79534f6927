using System.Runtime.CompilerServices;
using PublicApiGenerator;

namespace Kernelwise.Tests.Architecture;

/// <summary>
/// Each package's public surface, as text, must equal its approved file beside this test (Spectre.Console's habit): every
/// change to a public type or member shows up in review as a change to PublicApi.approved.txt. When the change is
/// intended, run the test with <c>KERNELWISE_APPROVE_API=1</c> to rewrite the approved file, and commit it.
/// </summary>
public class PublicApiTests
{
    /// <summary>Each package built from src/ and the file holding its approved surface.</summary>
    public static TheoryData<string, string> Packages => new()
    {
        { "Kernelwise", "PublicApi.approved.txt" },
        { "Kernelwise.OnnxRuntime", "PublicApi.Kernelwise.OnnxRuntime.approved.txt" },
    };

    [Theory]
    [MemberData(nameof(Packages))]
    public void Should_MatchTheApprovedPublicSurface_When_TheLibraryIsBuilt(string package, string approvedFile)
    {
        var assembly = package switch
        {
            "Kernelwise" => typeof(Shape).Assembly,
            "Kernelwise.OnnxRuntime" => typeof(Kernelwise.OnnxRuntime.OnnxPredictor).Assembly,
            _ => throw new ArgumentException($"Unknown package '{package}'.", nameof(package)),
        };
        string api = assembly.GeneratePublicApi(new ApiGeneratorOptions { ExcludeAttributes = ["System.Runtime.Versioning.TargetFrameworkAttribute", "System.Reflection.AssemblyMetadataAttribute"] })
            .Replace("\r\n", "\n", StringComparison.Ordinal);
        string approvedPath = Path.Combine(Folder(), approvedFile);
        string receivedPath = Path.Combine(Folder(), approvedFile.Replace(".approved.", ".received.", StringComparison.Ordinal));
        if (Environment.GetEnvironmentVariable("KERNELWISE_APPROVE_API") == "1")
        {
            File.WriteAllText(approvedPath, api);
            if (File.Exists(receivedPath)) File.Delete(receivedPath);
            return;
        }
        string approved = File.Exists(approvedPath) ? File.ReadAllText(approvedPath).Replace("\r\n", "\n", StringComparison.Ordinal) : "";
        if (approved == api)
        {
            if (File.Exists(receivedPath)) File.Delete(receivedPath);
            return;
        }
        File.WriteAllText(receivedPath, api);
        var approvedLines = approved.Split('\n');
        var apiLines = api.Split('\n');
        var removed = approvedLines.Except(apiLines).Take(10).Select(l => "- " + l.Trim());
        var added = apiLines.Except(approvedLines).Take(10).Select(l => "+ " + l.Trim());
        Assert.Fail($"The public API changed. Compare {receivedPath} with {approvedPath}; if the change is intended, rerun with KERNELWISE_APPROVE_API=1 and commit the approved file.\n" +
                    string.Join("\n", removed.Concat(added)));
    }

    private static string Folder([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;
}

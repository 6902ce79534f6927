using System.Runtime.CompilerServices;
using PublicApiGenerator;

namespace Kernelwise.Tests.Architecture;

/// <summary>
/// The library's public surface, as text, must equal the approved file beside this test (Spectre.Console's habit): every
/// change to a public type or member shows up in review as a change to PublicApi.approved.txt. When the change is
/// intended, run the test with <c>KERNELWISE_APPROVE_API=1</c> to rewrite the approved file, and commit it.
/// </summary>
public class PublicApiTests
{
    [Fact]
    public void Should_MatchTheApprovedPublicSurface_When_TheLibraryIsBuilt()
    {
        string api = typeof(Shape).Assembly.GeneratePublicApi(new ApiGeneratorOptions { ExcludeAttributes = ["System.Runtime.Versioning.TargetFrameworkAttribute", "System.Reflection.AssemblyMetadataAttribute"] })
            .Replace("\r\n", "\n", StringComparison.Ordinal);
        string approvedPath = Path.Combine(Folder(), "PublicApi.approved.txt");
        string receivedPath = Path.Combine(Folder(), "PublicApi.received.txt");
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

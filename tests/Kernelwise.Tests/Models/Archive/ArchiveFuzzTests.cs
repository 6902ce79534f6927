using System.Diagnostics;
using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using Kernelwise.Formats;
using Kernelwise.Models;
using static TorchSharp.torch;

namespace Kernelwise.Tests.Models.Archive;

/// <summary>
/// Loading a damaged or forged archive is an error that names the file, never a crash, a hang or a large allocation.
/// The test mutates a real archive in more than 200 ways — truncation, flipped bytes, forged JSON (wrong types, huge shapes,
/// negative sizes, deep nesting, missing keys) and forged zip entries — and loads each one.
/// </summary>
public class ArchiveFuzzTests
{
    /// <summary>Managed bytes one load may allocate: the archive is a few hundred KB, so anything near this is a runaway.</summary>
    private const long AllocationBound = 64L << 20;

    /// <summary>Time one load may take.</summary>
    private static readonly TimeSpan TimeBound = TimeSpan.FromSeconds(10);

    private static byte[] RealArchive(out string dir)
    {
        dir = TrainingHelpers.TempDir("kw-fuzz-");
        manual_seed(9);
        var image = new Kernelwise.Layers.Input(new Shape(1, 12, 12), "image");
        var x = image.Conv2D(4, 3, activation: Activation.ReLU).BatchNormalization().MaxPooling2D(2);
        var y = x.Residual(b => b.Conv2D(4, 3, padding: 1), activation: Activation.ReLU).Flatten();
        using var model = new Model(image, y.Dense(3), "fuzzed", ComputeDevice.Cpu).Compile(new Adam(1e-3), new CrossEntropy(), new Accuracy());
        string path = Path.Combine(dir, "real.kwmodel");
        model.Save(path, includeOptimizer: false);
        return File.ReadAllBytes(path);
    }

    private static IEnumerable<(string Name, byte[] Bytes)> Mutations(byte[] original)
    {
        var rng = new Random(20261201);
        // Truncations.
        for (int i = 0; i < 60; i++)
        {
            int length = rng.Next(original.Length);
            yield return ($"truncated to {length} bytes", original.AsSpan(0, length).ToArray());
        }
        // Flipped bytes anywhere (headers, central directory, JSON, weights).
        for (int i = 0; i < 100; i++)
        {
            var copy = (byte[])original.Clone();
            int flips = 1 + rng.Next(4);
            var at = new List<int>();
            for (int f = 0; f < flips; f++)
            {
                int p = rng.Next(copy.Length);
                copy[p] ^= (byte)(1 + rng.Next(255));
                at.Add(p);
            }
            yield return ($"bytes flipped at {string.Join(", ", at)}", copy);
        }
        // Forged manifests.
        var forgeries = new (string, Func<JsonObject, JsonNode?>)[]
        {
            ("input shape huge", j => Set(j, "architecture.inputs.0.shape", new JsonArray(1, 100000, 100000))),
            ("input shape negative", j => Set(j, "architecture.inputs.0.shape", new JsonArray(1, -12, 12))),
            ("input shape empty", j => Set(j, "architecture.inputs.0.shape", new JsonArray())),
            ("input shape of strings", j => Set(j, "architecture.inputs.0.shape", new JsonArray("1", "12", "12"))),
            ("filters huge", j => Set(j, "architecture.layers.0.config.filters", 1 << 30)),
            ("filters negative", j => Set(j, "architecture.layers.0.config.filters", -4)),
            ("filters fractional", j => Set(j, "architecture.layers.0.config.filters", 2.5)),
            ("filters as object", j => Set(j, "architecture.layers.0.config.filters", new JsonObject())),
            ("kernel huge", j => Set(j, "architecture.layers.0.config.kernelSize", new JsonArray(100000, 100000))),
            ("kernel of nulls", j => Set(j, "architecture.layers.0.config.kernelSize", new JsonArray(null, null))),
            ("dense units huge", j => Set(j, "architecture.layers.-1.config.units", int.MaxValue)),
            ("activation unknown", j => Set(j, "architecture.layers.0.config.activation", "Explode")),
            ("activation number", j => Set(j, "architecture.layers.0.config.activation", 3)),
            ("padding mode unknown", j => Set(j, "architecture.layers.0.config.padding.mode", "Everywhere")),
            ("type missing", j => Remove(j, "architecture.layers.0.type")),
            ("type foreign", j => Set(j, "architecture.layers.0.type", "System.Diagnostics.Process")),
            ("type of a loss in layers", j => Set(j, "architecture.layers.0.type", "CrossEntropy")),
            ("config missing", j => Remove(j, "architecture.layers.0.config")),
            ("config array", j => Set(j, "architecture.layers.0.config", new JsonArray())),
            ("node layer out of range", j => Set(j, "architecture.nodes.0.layer", 999)),
            ("node layer negative", j => Set(j, "architecture.nodes.0.layer", -1)),
            ("node input forward reference", j => Set(j, "architecture.nodes.0.inputs", new JsonArray("node:5"))),
            ("node input self reference", j => Set(j, "architecture.nodes.1.inputs", new JsonArray("node:1"))),
            ("node input unknown input", j => Set(j, "architecture.nodes.0.inputs", new JsonArray("input:nobody"))),
            ("node inputs not array", j => Set(j, "architecture.nodes.0.inputs", "input:image")),
            ("nodes huge count", j => Set(j, "architecture.nodes", new JsonArray(Enumerable.Range(0, 2000).Select(_ => (JsonNode?)new JsonObject { ["layer"] = 0, ["inputs"] = new JsonArray("input:image") }).ToArray()))),
            ("outputs empty", j => Set(j, "architecture.outputs", new JsonArray())),
            ("outputs unknown", j => Set(j, "architecture.outputs", new JsonArray("node:77"))),
            ("inputs missing", j => Remove(j, "architecture.inputs")),
            ("layers missing", j => Remove(j, "architecture.layers")),
            ("architecture a string", j => Set(j, "architecture", "model")),
            ("format other", j => Set(j, "format", "keras")),
            ("format version string", j => Set(j, "formatVersion", "1")),
            ("format version huge", j => Set(j, "formatVersion", 1_000_000)),
            ("format version zero", j => Set(j, "formatVersion", 0)),
            ("optimizer unknown", j => Set(j, "compile.optimizer.type", "Lion")),
            ("learning rate negative", j => Set(j, "compile.optimizer.config.learningRate", -1)),
            ("learning rate NaN text", j => Set(j, "compile.optimizer.config.learningRate", "NaN")),
            ("losses wrong count", j => Set(j, "compile.losses", new JsonArray())),
            ("metrics of a layer", j => Set(j, "compile.metrics.0.0.type", "Dense")),
            ("metadata class names numbers", j => Set(j, "metadata.classNames", new JsonArray(1, 2, 3))),
            ("metadata preprocessing huge", j => Set(j, "metadata.preprocessing", new JsonObject { ["width"] = 1 << 30, ["height"] = 1, ["colorMode"] = "Rgb", ["fit"] = "Stretch" })),
            ("deep nesting", j => Set(j, "architecture.layers.0.config.name", Deep(200))),
            ("residual path layers huge", j => Set(j, "architecture.layers.3.config.main.layers.0.config.filters", 1 << 29)),
            ("residual path of numbers", j => Set(j, "architecture.layers.3.config.main.layers", new JsonArray(1, 2))),
        };
        var manifest = ReadManifest(original);
        foreach (var (name, forge) in forgeries)
        {
            var copy = JsonNode.Parse(manifest)!.AsObject();
            JsonNode? changed;
            try
            {
                changed = forge(copy);
            }
            catch (Exception e) when (e is InvalidOperationException or ArgumentException or IndexOutOfRangeException)
            {
                continue; // the path did not exist in this archive; nothing to forge
            }
            yield return ($"forged manifest: {name}", ReplaceEntry(original, "model.json", Encoding.UTF8.GetBytes(changed!.ToJsonString())));
        }
        // Forged zips.
        yield return ("manifest removed", ReplaceEntry(original, "model.json", null));
        yield return ("weights removed", ReplaceEntry(original, "weights.safetensors", null));
        yield return ("weights empty", ReplaceEntry(original, "weights.safetensors", Array.Empty<byte>()));
        yield return ("weights header claims 1 TB", ReplaceEntry(original, "weights.safetensors", BitConverter.GetBytes(1L << 40).Concat(Encoding.ASCII.GetBytes("{}")).ToArray()));
        yield return ("weights of random bytes", ReplaceEntry(original, "weights.safetensors", Enumerable.Range(0, 4096).Select(i => (byte)(i * 37)).ToArray()));
        yield return ("manifest not JSON", ReplaceEntry(original, "model.json", Encoding.UTF8.GetBytes("<xml/>")));
        yield return ("manifest empty", ReplaceEntry(original, "model.json", Array.Empty<byte>()));
        yield return ("manifest is an array", ReplaceEntry(original, "model.json", Encoding.UTF8.GetBytes("[1,2,3]")));
        yield return ("optimizer state of garbage", ReplaceEntry(ReplaceEntry(original, "optimizer.bin", new byte[] { 1, 2, 3, 4, 5 }), "model.json",
            Encoding.UTF8.GetBytes(Set(JsonNode.Parse(manifest)!.AsObject(), "entries.optimizer", "optimizer.bin")!.ToJsonString())));
        yield return ("empty file", Array.Empty<byte>());
        yield return ("zip bomb entry", ZipBomb(original));
    }

    private static string Deep(int depth) => new string('[', depth) + new string(']', depth);

    private static string ReadManifest(byte[] archive)
    {
        using var zip = new ZipArchive(new MemoryStream(archive), ZipArchiveMode.Read);
        using var r = new StreamReader(zip.GetEntry("model.json")!.Open());
        return r.ReadToEnd();
    }

    private static byte[] ReplaceEntry(byte[] archive, string name, byte[]? content)
    {
        var ms = new MemoryStream();
        ms.Write(archive);
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Update, leaveOpen: true))
        {
            zip.GetEntry(name)?.Delete();
            if (content is not null)
            {
                using var w = zip.CreateEntry(name).Open();
                w.Write(content);
            }
        }
        return ms.ToArray();
    }

    /// <summary>A manifest entry that inflates to 1 GB of spaces (from about 1 MB).</summary>
    private static byte[] ZipBomb(byte[] archive)
    {
        var ms = new MemoryStream();
        ms.Write(archive);
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Update, leaveOpen: true))
        {
            zip.GetEntry("model.json")!.Delete();
            using var w = zip.CreateEntry("model.json", CompressionLevel.SmallestSize).Open();
            var block = new byte[1 << 20];
            Array.Fill(block, (byte)' ');
            for (int i = 0; i < 1024; i++) w.Write(block);
        }
        return ms.ToArray();
    }

    private static JsonNode? Set(JsonObject root, string path, JsonNode? value)
    {
        var parts = path.Split('.');
        JsonNode node = root;
        for (int i = 0; i < parts.Length - 1; i++) node = Step(node, parts[i]) ?? throw new InvalidOperationException(path);
        string last = parts[^1];
        if (node is JsonArray a) a[Index(a, last)] = value;
        else node.AsObject()[last] = value;
        return root;
    }

    private static JsonNode? Remove(JsonObject root, string path)
    {
        var parts = path.Split('.');
        JsonNode node = root;
        for (int i = 0; i < parts.Length - 1; i++) node = Step(node, parts[i]) ?? throw new InvalidOperationException(path);
        if (!node.AsObject().Remove(parts[^1])) throw new InvalidOperationException(path);
        return root;
    }

    private static JsonNode? Step(JsonNode node, string part) => node is JsonArray a ? a[Index(a, part)] : node.AsObject()[part];

    private static int Index(JsonArray a, string part)
    {
        int i = int.Parse(part);
        return i < 0 ? a.Count + i : i;
    }

    [Fact]
    public void Should_FailWithAnErrorNamingTheFileOrLoad_When_TheArchiveIsMutatedInOver200Ways()
    {
        var original = RealArchive(out string dir);
        var mutations = Mutations(original).ToList();
        Assert.True(mutations.Count >= 200, $"{mutations.Count} mutations");
        int rejected = 0, loaded = 0;
        long worstAllocation = 0;
        TimeSpan slowest = TimeSpan.Zero;
        var problems = new List<string>();
        for (int i = 0; i < mutations.Count; i++)
        {
            var (name, bytes) = mutations[i];
            string path = Path.Combine(dir, $"m{i}.kwmodel");
            File.WriteAllBytes(path, bytes);
            long before = GC.GetAllocatedBytesForCurrentThread();
            var clock = Stopwatch.StartNew();
            try
            {
                using var model = Model.Load(path, ComputeDevice.Cpu);
                loaded++;
            }
            catch (ModelArchiveException e)
            {
                rejected++;
                if (!e.Message.Contains(path, StringComparison.Ordinal)) problems.Add($"{name}: message does not name the file: {e.Message}");
            }
            catch (Exception e)
            {
                problems.Add($"{name}: {e.GetType().Name}: {e.Message}");
            }
            clock.Stop();
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            worstAllocation = Math.Max(worstAllocation, allocated);
            if (allocated > AllocationBound) problems.Add($"{name}: allocated {allocated:N0} bytes");
            if (clock.Elapsed > TimeBound) problems.Add($"{name}: took {clock.Elapsed.TotalSeconds:0.0} s");
            slowest = clock.Elapsed > slowest ? clock.Elapsed : slowest;
            File.Delete(path);
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems.Take(20)));
        Assert.True(rejected >= 150, $"only {rejected} of {mutations.Count} mutations were rejected ({loaded} loaded)");
        TestContext.Current.TestOutputHelper?.WriteLine($"archive fuzz: {mutations.Count} mutations, {rejected} rejected, {loaded} loaded; worst allocation {worstAllocation:N0} bytes, slowest {slowest.TotalMilliseconds:0} ms");
    }
}

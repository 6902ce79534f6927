using System.IO.Compression;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Kernelwise.Data;
using Kernelwise.Formats;
using Kernelwise.Layers;
using static TorchSharp.torch;

namespace Kernelwise.Models;

/// <summary>
/// The model archive (<c>.kwmodel</c>): one zip file that rebuilds a model with no code of its author's —
/// <see cref="Model.Save"/> writes it, <see cref="Model.Load"/> reads it.
/// </summary>
/// <remarks>
/// <para>Entries: <c>model.json</c> — the format version, the Kernelwise version, the architecture (inputs, every
/// layer's configuration, the nodes that connect them, the outputs), the compile configuration (optimizer with its
/// hyper-parameters, losses, loss weights, metrics) and the metadata (class names, the preprocessing an image needs,
/// a description); <c>weights.safetensors</c> — every weight and buffer; <c>optimizer.bin</c> — the optimizer's state,
/// when asked for.</para>
/// <para>Files are data. Loading looks every type name up among Kernelwise's own layers, losses, metrics and optimizers
/// and those registered with <see cref="Register{T}"/>; it never loads a type because a file names it, and never runs
/// code from the file. Before any weight is allocated, the architecture's parameter count is checked against the
/// weights the file holds, so a forged architecture cannot make loading allocate beyond the file's size. A damaged
/// zip, a malformed or newer-format <c>model.json</c>, an unknown type, a wrong shape: each is a
/// <see cref="ModelArchiveException"/> naming the file and the entry.</para>
/// </remarks>
public static class ModelArchive
{
    /// <summary>The archive format this Kernelwise writes and reads.</summary>
    public const int FormatVersion = 1;

    /// <summary>The file extension of model archives.</summary>
    public const string Extension = ".kwmodel";

    private const string ManifestEntry = "model.json";
    private const string WeightsEntry = "weights.safetensors";
    private const string OptimizerEntry = "optimizer.bin";
    private const long MaxManifestBytes = 16L << 20;
    private const long MaxWeightsBytes = int.MaxValue;

    /// <summary>
    /// Registers a layer, loss, metric or optimizer type of your own so archives can save and rebuild it: its public
    /// constructor's arguments must be readable from public properties of the same names (see docs/custom-layers.md).
    /// Register before saving and before loading.
    /// </summary>
    /// <param name="name">The name written into archives; the type's name by default.</param>
    public static void Register<T>(string? name = null) where T : class => ArchiveTypes.Register(typeof(T), name);

    /// <summary>The type names archives can use now (built in and registered).</summary>
    public static IReadOnlyCollection<string> RegisteredTypes => ArchiveTypes.Names;

    internal static void Write(Model model, string path, bool includeOptimizer)
    {
        ArgumentNullException.ThrowIfNull(model);
        Guard.NotEmpty(path);
        if (!path.EndsWith(Extension, StringComparison.OrdinalIgnoreCase))
            throw new ArgumentException($"A model archive's name ends with {Extension}; received '{path}'. To write weights alone, use SaveWeights (.safetensors, .pt).", nameof(path));
        var serializer = new ConfigSerializer { Fail = m => new ModelArchiveException(path, ManifestEntry, $"Cannot save model '{model.Name}' to '{path}': {m}") };
        var manifest = new JsonObject
        {
            ["format"] = "kernelwise-model",
            ["formatVersion"] = FormatVersion,
            ["kernelwise"] = typeof(ModelArchive).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0",
            ["created"] = DateTime.UtcNow.ToString("O"),
            ["architecture"] = Architecture(model.Graph, serializer),
            ["precisionPolicy"] = model.PrecisionPolicy.Name,
        };
        if (model.IsCompiled)
        {
            manifest["compile"] = new JsonObject
            {
                ["optimizer"] = serializer.Write(model.Optimizer!, "the optimizer"),
                ["losses"] = new JsonArray(model.Losses.Select((l, i) => l is null ? null : (JsonNode)serializer.Write(l, $"the loss of output '{model.OutputNames[i]}'")).ToArray()),
                ["lossWeights"] = new JsonArray(model.LossWeights.Select(w => (JsonNode?)JsonValue.Create(w)).ToArray()),
                ["metrics"] = new JsonArray(model.OutputMetrics.Select((ms, i) => (JsonNode?)new JsonArray(ms.Select(m => (JsonNode?)serializer.Write(m, $"metric '{m.Name}' of output '{model.OutputNames[i]}'")).ToArray())).ToArray()),
            };
        }
        manifest["metadata"] = Metadata(model.Metadata);
        byte[] optimizerState = Array.Empty<byte>();
        bool withOptimizer = includeOptimizer && model.TorchOptimizer is TorchSharp.Modules.OptimizerHelper;
        if (includeOptimizer && !withOptimizer)
            throw new ArgumentException(model.IsCompiled ? $"The optimizer {model.TorchOptimizer!.GetType().Name} cannot save its state." : "The model is not compiled, so it has no optimizer state to save.", nameof(includeOptimizer));
        if (withOptimizer)
        {
            using var ms = new MemoryStream();
            using (var w = new BinaryWriter(ms, Encoding.UTF8, leaveOpen: true)) ((TorchSharp.Modules.OptimizerHelper)model.TorchOptimizer!).save_state_dict(w);
            optimizerState = ms.ToArray();
        }
        manifest["entries"] = new JsonObject { ["weights"] = WeightsEntry, ["optimizer"] = withOptimizer ? OptimizerEntry : null };

        var tensors = StateDict.Capture(model.Network);
        try
        {
            AtomicFile.Write(path, stream =>
            {
                using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
                using (var e = zip.CreateEntry(ManifestEntry, CompressionLevel.Optimal).Open())
                    e.Write(Encoding.UTF8.GetBytes(manifest.ToJsonString(new JsonSerializerOptions { WriteIndented = true })));
                using (var e = zip.CreateEntry(WeightsEntry, CompressionLevel.NoCompression).Open())
                    Safetensors.Write(e, tensors, new Dictionary<string, string> { ["format"] = "pt", ["model"] = model.Name });
                if (withOptimizer)
                {
                    using var e = zip.CreateEntry(OptimizerEntry, CompressionLevel.Optimal).Open();
                    e.Write(optimizerState);
                }
            });
        }
        finally
        {
            foreach (var t in tensors) t.Value.Dispose();
        }
    }

    private static JsonObject Architecture(LayerGraph graph, ConfigSerializer serializer)
    {
        var nodeIndex = graph.Nodes.Select((n, i) => (n, i)).ToDictionary(p => p.n, p => p.i);
        var layerIndex = graph.Layers.Select((l, i) => (l, i)).ToDictionary(p => p.l, p => p.i);
        string Ref(SymbolicTensor t) => t is Input input ? "input:" + input.Name : "node:" + nodeIndex[t.Node!];
        return new JsonObject
        {
            ["name"] = graph.Name,
            ["inputs"] = new JsonArray(graph.Inputs.Select(i => (JsonNode?)new JsonObject
            {
                ["name"] = i.Name,
                ["shape"] = new JsonArray(i.Shape.ToArray().Select(d => (JsonNode?)JsonValue.Create(d)).ToArray()),
            }).ToArray()),
            ["layers"] = new JsonArray(graph.Layers.Select(l => (JsonNode?)serializer.Write(l, $"layer '{l.Name}'")).ToArray()),
            ["nodes"] = new JsonArray(graph.Nodes.Select(n => (JsonNode?)new JsonObject
            {
                ["layer"] = layerIndex[n.Layer],
                ["inputs"] = new JsonArray(n.Inputs.Select(t => (JsonNode?)JsonValue.Create(Ref(t))).ToArray()),
            }).ToArray()),
            ["outputs"] = new JsonArray(graph.Outputs.Select(o => (JsonNode?)JsonValue.Create(Ref(o))).ToArray()),
        };
    }

    private static JsonObject Metadata(ModelMetadata metadata)
    {
        var json = new JsonObject
        {
            ["classNames"] = metadata.ClassNames is null ? null : new JsonArray(metadata.ClassNames.Select(c => (JsonNode?)JsonValue.Create(c)).ToArray()),
            ["description"] = metadata.Description,
        };
        if (metadata.Preprocessing is { } p)
        {
            json["preprocessing"] = new JsonObject
            {
                ["width"] = p.Width,
                ["height"] = p.Height,
                ["colorMode"] = p.ColorMode.ToString(),
                ["fit"] = p.Fit.ToString(),
                ["mean"] = p.Mean is null ? null : new JsonArray(p.Mean.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray()),
                ["std"] = p.Std is null ? null : new JsonArray(p.Std.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray()),
            };
            if (p.ResizeSize is int resize) ((JsonObject)json["preprocessing"]!)["resizeSize"] = resize;
        }
        if (metadata.Properties is { Count: > 0 } props)
            json["properties"] = new JsonObject(props.Select(kv => new KeyValuePair<string, JsonNode?>(kv.Key, kv.Value)));
        return json;
    }

    // ------------------------------------------------------------------ reading

    internal static Model Read(string path, ComputeDevice? device, bool compile)
    {
        Guard.NotEmpty(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"Model archive '{path}' does not exist.", path);
        ZipArchive zip;
        FileStream file;
        try
        {
            file = File.OpenRead(path);
        }
        catch (IOException e)
        {
            throw new ModelArchiveException(path, null, $"Model archive '{path}' could not be opened: {e.Message}", e);
        }
        using (file)
        {
            try
            {
                zip = new ZipArchive(file, ZipArchiveMode.Read, leaveOpen: true);
            }
            catch (Exception e) when (e is InvalidDataException or IOException or ArgumentException)
            {
                throw new ModelArchiveException(path, null, $"'{path}' is not a model archive: it is not a readable zip file ({e.Message}). Model archives are written by Model.Save.", e);
            }
            using (zip)
            {
                return Read(zip, path, file.Length, device, compile);
            }
        }
    }

    private static Model Read(ZipArchive zip, string path, long fileLength, ComputeDevice? device, bool compile)
    {
        Exception Fail(string entry, string message, Exception? inner = null)
            => new ModelArchiveException(path, entry, $"Model archive '{path}', entry '{entry}': {message}", inner);

        byte[] manifestBytes = ReadEntry(zip, path, ManifestEntry, MaxManifestBytes, required: true)!;
        JsonObject manifest;
        try
        {
            manifest = JsonNode.Parse(manifestBytes, documentOptions: new JsonDocumentOptions { MaxDepth = 64 }) as JsonObject
                ?? throw Fail(ManifestEntry, "the document is not a JSON object.");
        }
        catch (JsonException e)
        {
            throw Fail(ManifestEntry, $"malformed JSON ({e.Message}).", e);
        }
        var serializer = new ConfigSerializer { Fail = m => Fail(ManifestEntry, m) };
        if (manifest["format"] is not JsonValue fv || !fv.TryGetValue(out string? format) || format != "kernelwise-model")
            throw Fail(ManifestEntry, "it does not declare \"format\": \"kernelwise-model\"; this is not a Kernelwise model archive.");
        int version = serializer.Int(manifest["formatVersion"], "\"formatVersion\"");
        if (version > FormatVersion)
            throw Fail(ManifestEntry, $"it has format version {version}, written by a newer Kernelwise ({(manifest["kernelwise"] as JsonValue)?.ToJsonString() ?? "unknown"}); this version reads format {FormatVersion}. Update Kernelwise to load it.");
        if (version < 1) throw Fail(ManifestEntry, $"format version {version} is not valid.");

        var graph = ReadArchitecture(manifest["architecture"] as JsonObject ?? throw Fail(ManifestEntry, "\"architecture\" must be a JSON object."), serializer, m => Fail(ManifestEntry, m));
        // Nothing is allocated before this check: the architecture must not need more values than the weights hold.
        byte[] weights = ReadEntry(zip, path, WeightsEntry, MaxWeightsBytes, required: true)!;
        long values;
        try
        {
            values = ModelSummary.Of(graph).Totals.Total;
        }
        catch (Exception e) when (e is ModelBuildException or OverflowException or ArgumentException)
        {
            throw Fail(ManifestEntry, $"the architecture cannot be built: {e.Message}", e);
        }
        if (values > weights.LongLength / 2) // at least 2 bytes (float16) per stored value
            throw Fail(WeightsEntry, $"the architecture declares {values:N0} parameter values but the weights entry holds only {weights.LongLength:N0} bytes.");

        var metadata = ReadMetadata(manifest["metadata"], serializer, m => Fail(ManifestEntry, m));
        Model model;
        try
        {
            model = new Model(graph, device);
        }
        catch (Exception e) when (e is ModelBuildException or ArgumentException)
        {
            throw Fail(ManifestEntry, $"the architecture cannot be built: {e.Message}", e);
        }
        try
        {
            model.Metadata = metadata;
            if (manifest["precisionPolicy"] is { } policyNode)
            {
                try
                {
                    model.PrecisionPolicy = PrecisionPolicy.Parse(serializer.String(policyNode, "\"precisionPolicy\""));
                }
                catch (ArgumentException e)
                {
                    throw Fail(ManifestEntry, e.Message, e);
                }
            }
            Dictionary<string, Tensor> tensors;
            try
            {
                tensors = Safetensors.Read(weights, $"{path} ({WeightsEntry})");
            }
            catch (Exception e) when (e is CheckpointException or InvalidDataException or ArgumentException or NotSupportedException)
            {
                throw Fail(WeightsEntry, e.Message, e);
            }
            try
            {
                StateDict.Apply(model.Network, tensors, $"{path} ({WeightsEntry})", model.Name);
            }
            catch (Exception e) when (e is InvalidDataException or ArgumentException or CheckpointException)
            {
                throw Fail(WeightsEntry, e.Message, e);
            }
            finally
            {
                foreach (var t in tensors.Values) t.Dispose();
            }
            if (compile && manifest["compile"] is JsonObject compileJson)
            {
                ReadCompile(model, compileJson, serializer, m => Fail(ManifestEntry, m));
                if (ReadEntry(zip, path, OptimizerEntry, MaxWeightsBytes, required: false) is { } state)
                {
                    if (model.TorchOptimizer is not TorchSharp.Modules.OptimizerHelper helper)
                        throw Fail(OptimizerEntry, $"the optimizer {model.TorchOptimizer?.GetType().Name} cannot load state.");
                    try
                    {
                        using var r = new BinaryReader(new MemoryStream(state, writable: false), Encoding.UTF8);
                        helper.load_state_dict(r);
                    }
                    catch (Exception e) when (e is ArgumentException or InvalidDataException or EndOfStreamException or IOException or InvalidOperationException)
                    {
                        throw Fail(OptimizerEntry, $"the optimizer state does not fit the model: {e.Message}", e);
                    }
                }
            }
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    private static byte[]? ReadEntry(ZipArchive zip, string path, string name, long limit, bool required)
    {
        ZipArchiveEntry? entry;
        try
        {
            entry = zip.GetEntry(name);
        }
        catch (InvalidDataException e)
        {
            throw new ModelArchiveException(path, name, $"Model archive '{path}', entry '{name}': the zip directory is damaged ({e.Message}).", e);
        }
        if (entry is null)
        {
            if (!required) return null;
            throw new ModelArchiveException(path, name, $"Model archive '{path}' has no entry '{name}'; it is incomplete or not a model archive.");
        }
        if (entry.Length < 0 || entry.Length > limit)
            throw new ModelArchiveException(path, name, $"Model archive '{path}', entry '{name}': it declares {entry.Length:N0} bytes, more than the {limit:N0} an entry of this kind may hold.");
        try
        {
            using var stream = entry.Open();
            var buffer = new byte[entry.Length];
            int read = 0;
            while (read < buffer.Length)
            {
                int n = stream.Read(buffer, read, buffer.Length - read);
                if (n == 0) break;
                read += n;
            }
            if (read != buffer.Length || stream.ReadByte() != -1)
                throw new ModelArchiveException(path, name, $"Model archive '{path}', entry '{name}': its contents do not match the {entry.Length:N0} bytes it declares.");
            return buffer;
        }
        catch (Exception e) when (e is InvalidDataException or IOException and not ModelArchiveException)
        {
            throw new ModelArchiveException(path, name, $"Model archive '{path}', entry '{name}' is damaged: {e.Message}", e);
        }
    }

    private static LayerGraph ReadArchitecture(JsonObject json, ConfigSerializer s, Func<string, Exception> fail)
    {
        string name = s.String(json["name"], "architecture: \"name\"");
        var inputs = new List<Input>();
        var byName = new Dictionary<string, Input>(StringComparer.Ordinal);
        foreach (var (node, i) in (json["inputs"] as JsonArray ?? throw fail("architecture: \"inputs\" must be an array.")).Select((n, i) => (n, i)))
        {
            var obj = node as JsonObject ?? throw fail($"architecture: input {i} must be an object with \"name\" and \"shape\".");
            string inputName = s.String(obj["name"], $"architecture: input {i} \"name\"");
            var dims = (obj["shape"] as JsonArray ?? throw fail($"architecture: input '{inputName}' \"shape\" must be an array.")).Select((d, k) => s.Int(d, $"architecture: input '{inputName}' shape[{k}]")).ToArray();
            if (dims.Length == 0 || dims.Length > 8 || dims.Any(d => d < 1 || d > 1 << 24) || dims.Aggregate(1L, (a, d) => a * d) > int.MaxValue)
                throw fail($"architecture: input '{inputName}' has shape [{string.Join(", ", dims)}]; expected 1 to 8 dimensions of 1 to {1 << 24} with at most {int.MaxValue:N0} values.");
            Input input;
            try
            {
                input = new Input(new Shape(dims), inputName);
            }
            catch (ArgumentException e)
            {
                throw fail($"architecture: input {i}: {e.Message}");
            }
            if (!byName.TryAdd(inputName, input)) throw fail($"architecture: two inputs are named '{inputName}'.");
            inputs.Add(input);
        }
        var layers = (json["layers"] as JsonArray ?? throw fail("architecture: \"layers\" must be an array."))
            .Select((l, i) => s.Read<Layer>(l, $"architecture: layer {i}")).ToList();
        var nodesJson = json["nodes"] as JsonArray ?? throw fail("architecture: \"nodes\" must be an array.");
        if (nodesJson.Count > 1_000_000) throw fail($"architecture: {nodesJson.Count:N0} nodes is more than the 1,000,000 allowed.");
        var outputsOf = new List<SymbolicTensor>();
        SymbolicTensor Resolve(JsonNode? r, string where)
        {
            string text = s.String(r, where);
            if (text.StartsWith("input:", StringComparison.Ordinal) && byName.TryGetValue(text[6..], out var input)) return input;
            if (text.StartsWith("node:", StringComparison.Ordinal) && int.TryParse(text[5..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int k) && k >= 0 && k < outputsOf.Count)
                return outputsOf[k];
            throw fail($"{where} is '{text}'; expected 'input:NAME' of a declared input or 'node:K' of an earlier node (0 to {outputsOf.Count - 1}).");
        }
        foreach (var (node, i) in nodesJson.Select((n, i) => (n, i)))
        {
            var obj = node as JsonObject ?? throw fail($"architecture: node {i} must be an object with \"layer\" and \"inputs\".");
            int li = s.Int(obj["layer"], $"architecture: node {i} \"layer\"");
            if (li < 0 || li >= layers.Count) throw fail($"architecture: node {i} names layer {li}; the architecture has layers 0 to {layers.Count - 1}.");
            var ins = (obj["inputs"] as JsonArray ?? throw fail($"architecture: node {i} \"inputs\" must be an array."))
                .Select((r, k) => Resolve(r, $"architecture: node {i} input {k}")).ToArray();
            try
            {
                outputsOf.Add(layers[li] is MergeLayer merge ? merge.Apply(ins) : ins.Length == 1 ? layers[li].Apply(ins[0])
                    : throw fail($"architecture: node {i}: layer '{layers[li].Name}' takes one input; the node gives {ins.Length}."));
            }
            catch (ModelBuildException e)
            {
                throw fail($"architecture: node {i}: {e.Message}");
            }
        }
        var outputs = (json["outputs"] as JsonArray ?? throw fail("architecture: \"outputs\" must be an array."))
            .Select((r, k) => Resolve(r, $"architecture: output {k}")).ToArray();
        try
        {
            var graph = new LayerGraph(inputs, outputs, name);
            graph.AssignNames();
            if (graph.Nodes.Count != outputsOf.Count)
                throw fail($"architecture: {outputsOf.Count - graph.Nodes.Count} node(s) lead to no output.");
            return graph;
        }
        catch (Exception e) when (e is ModelBuildException or ArgumentException)
        {
            throw fail($"architecture: {e.Message}");
        }
    }

    private static ModelMetadata ReadMetadata(JsonNode? node, ConfigSerializer s, Func<string, Exception> fail)
    {
        if (node is null) return new ModelMetadata();
        var json = node as JsonObject ?? throw fail("\"metadata\" must be an object.");
        IReadOnlyList<string>? classes = json["classNames"] is JsonArray a ? a.Select((c, i) => s.String(c, $"metadata: classNames[{i}]")).ToArray()
            : json["classNames"] is null ? null : throw fail("metadata: \"classNames\" must be an array of strings.");
        string? description = json["description"] is null ? null : s.String(json["description"], "metadata: description");
        ImagePreprocessing? preprocessing = null;
        if (json["preprocessing"] is JsonObject p)
        {
            double[]? Doubles(string key) => p[key] is JsonArray arr ? arr.Select((v, i) => s.Number(v, $"metadata: preprocessing {key}[{i}]")).ToArray()
                : p[key] is null ? null : throw fail($"metadata: preprocessing \"{key}\" must be an array of numbers.");
            T Enum<T>(string key) where T : struct, System.Enum
                => System.Enum.TryParse<T>(s.String(p[key], $"metadata: preprocessing {key}"), out var v) && System.Enum.IsDefined(v) ? v
                    : throw fail($"metadata: preprocessing \"{key}\" must be one of {string.Join(", ", System.Enum.GetNames<T>())}.");
            preprocessing = new ImagePreprocessing(s.Int(p["width"], "metadata: preprocessing width"), s.Int(p["height"], "metadata: preprocessing height"),
                Enum<ColorMode>("colorMode"), Enum<ImageFit>("fit"), Doubles("mean"), Doubles("std"),
                p["resizeSize"] is null ? null : s.Int(p["resizeSize"], "metadata: preprocessing resizeSize"));
            try
            {
                preprocessing.Validate();
            }
            catch (ArgumentException e)
            {
                throw fail($"metadata: {e.Message}");
            }
        }
        IReadOnlyDictionary<string, string>? properties = null;
        if (json["properties"] is JsonObject props)
            properties = props.ToDictionary(kv => kv.Key, kv => s.String(kv.Value, $"metadata: properties['{kv.Key}']"));
        return new ModelMetadata { ClassNames = classes, Description = description, Preprocessing = preprocessing, Properties = properties };
    }

    private static void ReadCompile(Model model, JsonObject json, ConfigSerializer s, Func<string, Exception> fail)
    {
        int outputs = model.OutputNames.Count;
        var optimizer = s.Read<Optimizer>(json["optimizer"], "compile: optimizer");
        var lossesJson = json["losses"] as JsonArray ?? throw fail("compile: \"losses\" must be an array.");
        if (lossesJson.Count != outputs) throw fail($"compile: {lossesJson.Count} loss(es) for {outputs} output(s).");
        var losses = lossesJson.Select((l, i) => l is null ? null : s.Read<Loss>(l, $"compile: loss of output {i}")).ToArray();
        var weightsJson = json["lossWeights"] as JsonArray ?? throw fail("compile: \"lossWeights\" must be an array.");
        if (weightsJson.Count != outputs) throw fail($"compile: {weightsJson.Count} loss weight(s) for {outputs} output(s).");
        var weights = weightsJson.Select((w, i) => s.Number(w, $"compile: lossWeights[{i}]")).ToArray();
        var metricsJson = json["metrics"] as JsonArray ?? throw fail("compile: \"metrics\" must be an array.");
        if (metricsJson.Count != outputs) throw fail($"compile: metrics for {metricsJson.Count} output(s); the model has {outputs}.");
        var metrics = metricsJson.Select((ms, i) => (IReadOnlyList<Metric>)(ms as JsonArray ?? throw fail($"compile: metrics of output {i} must be an array."))
            .Select((m, k) => s.Read<Metric>(m, $"compile: metric {k} of output {i}")).ToArray()).ToArray();
        try
        {
            model.CompileFrom(optimizer, losses, weights, metrics);
        }
        catch (ArgumentException e)
        {
            throw fail($"compile: {e.Message}");
        }
    }
}

using System.Globalization;
using System.Reflection;
using System.Text.Json.Nodes;
using Kernelwise.Layers;

namespace Kernelwise.Models;

/// <summary>
/// Saves a layer, loss, metric or optimizer as <c>{"type": name, "config": {argument: value}}</c> — its constructor
/// arguments read back from the same-named properties (Keras's <c>get_config</c>) — and rebuilds it by calling that
/// constructor of the registered type (<c>from_config</c>). Values are JSON numbers, strings, booleans and arrays;
/// enums by name; paths of composite layers as nested layer lists.
/// </summary>
internal sealed class ConfigSerializer
{
    private const int MaxLayers = 100_000;
    private readonly List<AuxiliaryOutputs> _collectors = new();
    private int _layers;

    /// <summary>What is being read or written, for messages: e.g. <c>model.json: layer 'conv2d'</c>.</summary>
    public required Func<string, Exception> Fail { get; init; }

    // ------------------------------------------------------------------ writing

    public JsonObject Write(object value, string what)
    {
        var type = value.GetType();
        string name = ArchiveTypes.NameOf(type)
            ?? throw Fail(type == typeof(Lambda)
                ? $"{what} is a Lambda layer: it holds C# code (a delegate), which an archive cannot store and loading must never run. Replace it with a layer class registered with ModelArchive.Register<T>(), or save the weights with SaveWeights."
                : $"{what} has type {type.FullName}, which is not registered for model archives. Call ModelArchive.Register<{type.Name}>() before saving (and before loading).");
        var ctor = ArchiveTypes.ConfigConstructor(type)
            ?? throw Fail($"{what} ({type.Name}) cannot be saved: no public constructor has, for each parameter, a public property of the same name holding its value. Add such properties (see docs/custom-layers.md).");
        var config = new JsonObject();
        foreach (var p in ctor.GetParameters())
        {
            object? v = value is Layer layer && p.Name == "name" ? layer.Name : ArchiveTypes.ConfigProperty(type, p)!.GetValue(value);
            config[p.Name!] = WriteValue(v, p.ParameterType, $"{what}, argument '{p.Name}'");
        }
        var written = new JsonObject { ["type"] = name, ["config"] = config };
        if (value is Layer { PrecisionPolicy: { } policy }) written["precisionPolicy"] = policy.Name;
        if (value is Optimizer o)
        {
            if (o.ClipNorm is double n) config["clipNorm"] = n;
            if (o.ClipValue is double c) config["clipValue"] = c;
            if (o.GradientAccumulationSteps != 1) config["gradientAccumulationSteps"] = o.GradientAccumulationSteps;
            if (o.LayerRates.Count > 0)
                config["layerRates"] = new JsonArray(o.LayerRates.Select(r => (JsonNode?)new JsonObject { ["fromLayer"] = r.FromLayer, ["learningRate"] = r.LearningRate }).ToArray());
        }
        return written;
    }

    private JsonNode? WriteValue(object? v, Type type, string what)
    {
        if (v is null) return null;
        var t = Nullable.GetUnderlyingType(type) ?? type;
        switch (v)
        {
            case bool b: return JsonValue.Create(b);
            case int i: return JsonValue.Create(i);
            case long l: return JsonValue.Create(l);
            case double d: return JsonValue.Create(d);
            case float f: return JsonValue.Create(f);
            case string s: return JsonValue.Create(s);
            case Enum e: return JsonValue.Create(e.ToString());
            case Shape s: return Array(s.ToArray());
            case SpatialSize s: return Array(s.Values.ToArray());
            case Padding p: return new JsonObject { ["mode"] = p.Mode.ToString(), ["amounts"] = Array(p.Amounts.Values.ToArray()) };
            case ValueTuple<int, int> t2: return Array(new[] { t2.Item1, t2.Item2 });
            case ValueTuple<double, double> d2: return new JsonArray(d2.Item1, d2.Item2);
            case Branch branch: return WriteStack(branch.Layers, what);
            case LayerStack stack: return WriteStack(stack, what);
            case IEnumerable<Branch> branches: return new JsonArray(branches.Select(b => (JsonNode?)WriteStack(b.Layers, what)).ToArray());
            case AuxiliaryOutputs collector:
                int index = _collectors.IndexOf(collector);
                if (index < 0)
                {
                    _collectors.Add(collector);
                    index = _collectors.Count - 1;
                }
                return new JsonObject { ["collector"] = index };
            case Loss or Metric or Optimizer or Layer: return Write(v, what);
            case IEnumerable<int> ints: return Array(ints.ToArray());
            case IEnumerable<long> longs: return new JsonArray(longs.Select(x => (JsonNode?)JsonValue.Create(x)).ToArray());
            case IEnumerable<double> doubles: return new JsonArray(doubles.Select(x => (JsonNode?)JsonValue.Create(x)).ToArray());
            case IEnumerable<float> floats: return new JsonArray(floats.Select(x => (JsonNode?)JsonValue.Create(x)).ToArray());
            case IEnumerable<string> strings: return new JsonArray(strings.Select(x => (JsonNode?)JsonValue.Create(x)).ToArray());
        }
        throw Fail($"{what} has a value of type {v.GetType().Name} ({t.Name} expected), which archives cannot store.");
    }

    private static JsonArray Array(int[] values) => new(values.Select(x => (JsonNode?)JsonValue.Create(x)).ToArray());

    private JsonObject WriteStack(LayerStack stack, string what)
        => new() { ["name"] = stack.Name, ["layers"] = new JsonArray(stack.Layers.Select(l => (JsonNode?)Write(l, $"layer '{l.Name}'")).ToArray()) };

    // ------------------------------------------------------------------ reading

    /// <summary>Rebuilds an object of the expected base type from <c>{"type", "config"}</c>.</summary>
    public T Read<T>(JsonNode? node, string what) where T : class
    {
        var obj = node as JsonObject ?? throw Fail($"{what} must be a JSON object with \"type\" and \"config\"; found {Kind(node)}.");
        string typeName = String(obj["type"], $"{what}: \"type\"");
        var type = ArchiveTypes.Find(typeName)
            ?? throw Fail($"{what} has type '{typeName}', which this program does not know. Kernelwise's own types are built in; a type of your own must be registered with ModelArchive.Register<T>() before loading. Known: {string.Join(", ", ArchiveTypes.Names.Take(80))}.");
        if (!typeof(T).IsAssignableFrom(type))
            throw Fail($"{what} has type '{typeName}', which is not a {typeof(T).Name}.");
        if (typeof(Layer).IsAssignableFrom(type) && ++_layers > MaxLayers)
            throw Fail($"{what}: the architecture declares more than {MaxLayers:N0} layers.");
        var ctor = ArchiveTypes.ConfigConstructor(type) ?? throw Fail($"{what}: type {type.Name} has no constructor an archive can call.");
        var config = obj["config"] as JsonObject ?? throw Fail($"{what}: \"config\" must be a JSON object; found {Kind(obj["config"])}.");
        var known = ctor.GetParameters().Select(p => p.Name!).ToHashSet(StringComparer.Ordinal);
        if (typeof(Optimizer).IsAssignableFrom(type)) known.UnionWith(new[] { "clipNorm", "clipValue", "gradientAccumulationSteps", "layerRates" });
        foreach (var (key, _) in config)
        {
            if (!known.Contains(key)) throw Fail($"{what} ({typeName}) has an unknown argument '{key}'. Its arguments are: {string.Join(", ", ctor.GetParameters().Select(p => p.Name))}.");
        }
        var args = new object?[ctor.GetParameters().Length];
        int k = 0;
        foreach (var p in ctor.GetParameters())
        {
            string where = $"{what} ({typeName}), argument '{p.Name}'";
            if (!config.TryGetPropertyValue(p.Name!, out var value))
            {
                if (!p.HasDefaultValue) throw Fail($"{where} is missing.");
                args[k++] = p.DefaultValue is DBNull ? null : p.DefaultValue;
                continue;
            }
            args[k++] = ReadValue(value, p.ParameterType, where);
        }
        object result;
        try
        {
            result = ctor.Invoke(args);
        }
        catch (TargetInvocationException e) when (e.InnerException is ArgumentException or ModelBuildException or InvalidOperationException)
        {
            throw Fail($"{what} ({typeName}) cannot be rebuilt from its configuration: {e.InnerException.Message}");
        }
        if (result is Optimizer withRates && config.TryGetPropertyValue("layerRates", out var rates))
        {
            var entries = Elements(rates, $"{what}: layerRates").Select((e, i) => (
                Layer: String((e as JsonObject ?? throw Fail($"{what}: layerRates[{i}] must be an object with \"fromLayer\" and \"learningRate\"; found {Kind(e)}."))["fromLayer"], $"{what}: layerRates[{i}].fromLayer"),
                Rate: Number(((JsonObject)e!)["learningRate"], $"{what}: layerRates[{i}].learningRate"))).ToArray();
            try
            {
                SetInit(withRates, nameof(Optimizer.LayerRates), entries.Select(r => new LayerRate(r.Layer, r.Rate)).ToArray());
            }
            catch (Exception e) when (e is ArgumentException || e.InnerException is ArgumentException)
            {
                throw Fail($"{what} ({typeName}): {(e as ArgumentException ?? e.InnerException)!.Message}");
            }
        }
        if (result is Layer layer && obj["precisionPolicy"] is { } policyNode)
        {
            string policyName = String(policyNode, $"{what}: precisionPolicy");
            PrecisionPolicy policy;
            try
            {
                policy = PrecisionPolicy.Parse(policyName);
            }
            catch (ArgumentException e)
            {
                throw Fail($"{what}: {e.Message}");
            }
            typeof(Layer).GetProperty(nameof(Layer.PrecisionPolicy))!.SetValue(layer, policy);
        }
        if (result is Optimizer o && (config.ContainsKey("clipNorm") || config.ContainsKey("clipValue") || config.ContainsKey("gradientAccumulationSteps")))
        {
            try
            {
                SetInit(o, nameof(Optimizer.ClipNorm), config.TryGetPropertyValue("clipNorm", out var cn) ? (double?)Number(cn, $"{what}: clipNorm") : null);
                SetInit(o, nameof(Optimizer.ClipValue), config.TryGetPropertyValue("clipValue", out var cv) ? (double?)Number(cv, $"{what}: clipValue") : null);
                SetInit(o, nameof(Optimizer.GradientAccumulationSteps), config.TryGetPropertyValue("gradientAccumulationSteps", out var ga) ? Int(ga, $"{what}: gradientAccumulationSteps") : 1);
            }
            catch (TargetInvocationException e) when (e.InnerException is ArgumentException)
            {
                throw Fail($"{what} ({typeName}): {e.InnerException.Message}");
            }
        }
        return (T)result;
    }

    private static void SetInit(Optimizer o, string property, object? value)
        => typeof(Optimizer).GetProperty(property)!.SetValue(o, value);

    private object? ReadValue(JsonNode? node, Type type, string what)
    {
        var underlying = Nullable.GetUnderlyingType(type);
        if (node is null)
        {
            if (underlying is not null || !type.IsValueType) return null;
            throw Fail($"{what} is null; a {type.Name} is expected.");
        }
        var t = underlying ?? type;
        if (t == typeof(bool)) return node is JsonValue v && v.TryGetValue(out bool b) ? b : throw Fail($"{what} must be true or false; found {Kind(node)}.");
        if (t == typeof(int)) return Int(node, what);
        if (t == typeof(long)) return Long(node, what);
        if (t == typeof(double)) return Number(node, what);
        if (t == typeof(float)) return (float)Number(node, what);
        if (t == typeof(string)) return String(node, what);
        if (t.IsEnum)
        {
            string s = String(node, what);
            if (!Enum.TryParse(t, s, ignoreCase: false, out var e) || !Enum.IsDefined(t, e!) || int.TryParse(s, out _))
                throw Fail($"{what} is '{s}', which is not one of {string.Join(", ", Enum.GetNames(t))}.");
            return e;
        }
        if (t == typeof(Shape))
        {
            var dims = IntArray(node, what);
            try
            {
                return new Shape(dims);
            }
            catch (ArgumentException e)
            {
                throw Fail($"{what}: {e.Message}");
            }
        }
        if (t == typeof(SpatialSize)) return new SpatialSize(IntArray(node, what));
        if (t == typeof(Padding))
        {
            var obj = node as JsonObject ?? throw Fail($"{what} must be an object with \"mode\" and \"amounts\"; found {Kind(node)}.");
            var mode = (PaddingMode)ReadValue(obj["mode"], typeof(PaddingMode), $"{what}: mode")!;
            var amounts = IntArray(obj["amounts"] ?? new JsonArray(), $"{what}: amounts");
            return mode switch
            {
                PaddingMode.Same => Padding.Same,
                PaddingMode.Valid => Padding.Valid,
                _ => Padding.Explicit(new SpatialSize(amounts)),
            };
        }
        if (t == typeof(ValueTuple<int, int>))
        {
            var a = IntArray(node, what);
            return a.Length == 2 ? (a[0], a[1]) : throw Fail($"{what} must hold 2 integers; found {a.Length}.");
        }
        if (t == typeof(ValueTuple<double, double>))
        {
            var a = DoubleArray(node, what);
            return a.Length == 2 ? (a[0], a[1]) : throw Fail($"{what} must hold 2 numbers; found {a.Length}.");
        }
        if (t == typeof(int[]) || t == typeof(IReadOnlyList<int>) || t == typeof(IEnumerable<int>)) return IntArray(node, what);
        if (t == typeof(long[]) || t == typeof(IReadOnlyList<long>)) return Elements(node, what).Select((e, i) => Long(e, $"{what}[{i}]")).ToArray();
        if (t == typeof(double[]) || t == typeof(IReadOnlyList<double>)) return DoubleArray(node, what);
        if (t == typeof(float[]) || t == typeof(IReadOnlyList<float>)) return DoubleArray(node, what).Select(d => (float)d).ToArray();
        if (t == typeof(string[]) || t == typeof(IReadOnlyList<string>)) return Elements(node, what).Select((e, i) => String(e, $"{what}[{i}]")).ToArray();
        if (t == typeof(LayerStack)) return ReadStack(node, what);
        if (t == typeof(IEnumerable<LayerStack>) || t == typeof(IReadOnlyList<LayerStack>)) return Elements(node, what).Select((e, i) => ReadStack(e, $"{what}[{i}]")).ToArray();
        if (t == typeof(AuxiliaryOutputs))
        {
            var obj = node as JsonObject ?? throw Fail($"{what} must be an object with \"collector\"; found {Kind(node)}.");
            int index = Int(obj["collector"], $"{what}: collector");
            if (index < 0 || index > _collectors.Count) throw Fail($"{what}: collector {index} is out of order (expected 0 to {_collectors.Count}).");
            if (index == _collectors.Count) _collectors.Add(new AuxiliaryOutputs());
            return _collectors[index];
        }
        if (typeof(Loss).IsAssignableFrom(t)) return Read<Loss>(node, what);
        if (typeof(Metric).IsAssignableFrom(t)) return Read<Metric>(node, what);
        if (typeof(Layer).IsAssignableFrom(t)) return Read<Layer>(node, what);
        throw Fail($"{what}: values of type {t.Name} cannot be read from an archive.");
    }

    /// <summary>The collectors of auxiliary outputs met so far, by index (shared between layers and losses of one model).</summary>
    public IReadOnlyList<AuxiliaryOutputs> Collectors => _collectors;

    private LayerStack ReadStack(JsonNode? node, string what)
    {
        var obj = node as JsonObject ?? throw Fail($"{what} must be an object with \"name\" and \"layers\"; found {Kind(node)}.");
        var stack = new LayerStack(String(obj["name"], $"{what}: name"));
        foreach (var (layer, i) in Elements(obj["layers"], $"{what}: layers").Select((n, i) => (n, i)))
            stack.Add(Read<Layer>(layer, $"{what}, layer {i}"));
        return stack;
    }

    private IEnumerable<JsonNode?> Elements(JsonNode? node, string what)
        => node as JsonArray ?? throw Fail($"{what} must be a JSON array; found {Kind(node)}.");

    private int[] IntArray(JsonNode? node, string what) => Elements(node, what).Select((e, i) => Int(e, $"{what}[{i}]")).ToArray();

    private double[] DoubleArray(JsonNode? node, string what) => Elements(node, what).Select((e, i) => Number(e, $"{what}[{i}]")).ToArray();

    public int Int(JsonNode? node, string what)
        => node is JsonValue v && v.TryGetValue(out int i) ? i
            : node is JsonValue d && d.TryGetValue(out double x) && x == Math.Floor(x) && x >= int.MinValue && x <= int.MaxValue ? (int)x
            : throw Fail($"{what} must be an integer in the 32-bit range; found {Describe(node)}.");

    private long Long(JsonNode? node, string what)
        => node is JsonValue v && v.TryGetValue(out long l) ? l : throw Fail($"{what} must be an integer; found {Describe(node)}.");

    public double Number(JsonNode? node, string what)
        => node is JsonValue v && v.TryGetValue(out double d) && double.IsFinite(d) ? d : throw Fail($"{what} must be a finite number; found {Describe(node)}.");

    public string String(JsonNode? node, string what)
        => node is JsonValue v && v.TryGetValue(out string? s) && s is not null ? s : throw Fail($"{what} must be a string; found {Describe(node)}.");

    private static string Describe(JsonNode? node) => node is JsonValue ? node.ToJsonString() : Kind(node);

    public static string Kind(JsonNode? node) => node switch
    {
        null => "null",
        JsonObject => "an object",
        JsonArray => "an array",
        _ => "the value " + node.ToJsonString(),
    };

    public static string Invariant(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}

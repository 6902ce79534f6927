using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;
using static TorchSharp.torch;

namespace Kernelwise.Export;

/// <summary>
/// Collects the nodes and initializers of one ONNX graph while layers are converted: unique value names, nodes with
/// attributes, and weights copied out of TorchSharp tensors as float32 initializers.
/// </summary>
/// <remarks>
/// Value names are derived from the layer's name (<c>conv2d/Conv</c>, <c>conv2d.weight</c>), so a graph viewer such as
/// Netron shows the model's own layer names. Names are made unique with a numeric suffix when needed.
/// </remarks>
public sealed class OnnxGraphBuilder
{
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);

    /// <summary>The graph under construction.</summary>
    internal GraphProto Graph { get; } = new();

    /// <summary>Reserves <paramref name="name"/> (or, if taken, the first free <c>name_1</c>, <c>name_2</c>, ...).</summary>
    internal string UniqueName(string name)
    {
        if (_names.Add(name)) return name;
        for (int i = 1; ; i++)
        {
            string candidate = $"{name}_{i}";
            if (_names.Add(candidate)) return candidate;
        }
    }

    /// <summary>Appends a node and returns the name of its (single) output.</summary>
    /// <param name="opType">The ONNX operator, e.g. <c>Conv</c>.</param>
    /// <param name="name">Base name of the node and its output (usually <c>{layer}/{op}</c>).</param>
    /// <param name="inputs">Input value names; an empty string marks an omitted optional input.</param>
    /// <param name="attributes">The node's attributes.</param>
    public string Node(string opType, string name, IEnumerable<string> inputs, params AttributeProto[] attributes)
    {
        string output = UniqueName(name);
        var node = new NodeProto { OpType = opType, Name = output };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        node.Attribute.AddRange(attributes);
        Graph.Node.Add(node);
        return output;
    }

    /// <summary>Adds a float32 initializer holding a copy of <paramref name="tensor"/> (any device, any float type) and returns its name.</summary>
    public string Initializer(string name, Tensor tensor, long[]? shape = null)
    {
        float[] values;
        long[] dims;
        using (NewDisposeScope())
        {
            var t = tensor.detach().cpu().to_type(ScalarType.Float32).contiguous();
            values = t.data<float>().ToArray();
            dims = shape ?? t.shape;
        }
        return Initializer(name, values, dims);
    }

    /// <summary>Adds a float32 initializer with the given values and dimensions and returns its name.</summary>
    public string Initializer(string name, float[] values, long[] dims)
    {
        long count = dims.Aggregate(1L, (a, d) => a * d);
        if (count != values.Length)
            throw new InvalidOperationException($"Initializer '{name}' has {values.Length} values but dimensions [{string.Join(", ", dims)}] hold {count}.");
        var proto = new TensorProto { Name = UniqueName(name), DataType = (int)TensorProto.Types.DataType.Float };
        proto.Dims.AddRange(dims);
        if (BitConverter.IsLittleEndian) proto.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values.AsSpan()));
        else proto.FloatData.AddRange(values);
        Graph.Initializer.Add(proto);
        return proto.Name;
    }

    /// <summary>Adds a one-dimensional int64 initializer (shapes, pads, axes) and returns its name.</summary>
    public string Int64Initializer(string name, params long[] values)
    {
        var proto = new TensorProto { Name = UniqueName(name), DataType = (int)TensorProto.Types.DataType.Int64 };
        proto.Dims.Add(values.Length);
        proto.Int64Data.AddRange(values);
        Graph.Initializer.Add(proto);
        return proto.Name;
    }

    /// <summary>
    /// Renames the output <paramref name="from"/> of the node that produces it (and every use of it) to
    /// <paramref name="to"/>, a name the caller reserved with <see cref="UniqueName"/>.
    /// </summary>
    /// <returns>False when no node produces <paramref name="from"/> (it is the graph input or an initializer).</returns>
    internal bool RenameNodeOutput(string from, string to)
    {
        var node = Graph.Node.LastOrDefault(n => n.Output.Contains(from));
        if (node is null) return false;
        for (int i = 0; i < node.Output.Count; i++)
        {
            if (node.Output[i] == from) node.Output[i] = to;
        }
        foreach (var other in Graph.Node)
        {
            for (int i = 0; i < other.Input.Count; i++)
            {
                if (other.Input[i] == from) other.Input[i] = to;
            }
        }
        return true;
    }

    /// <summary>An integer attribute.</summary>
    public static AttributeProto Int(string name, long value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    /// <summary>A float attribute.</summary>
    public static AttributeProto Float(string name, float value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    /// <summary>A string attribute.</summary>
    public static AttributeProto String(string name, string value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) };

    /// <summary>An integer-list attribute.</summary>
    public static AttributeProto Ints(string name, IEnumerable<int> values) => Ints(name, values.Select(v => (long)v));

    /// <summary>An integer-list attribute.</summary>
    public static AttributeProto Ints(string name, IEnumerable<long> values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(values);
        return a;
    }

    /// <summary>A float-list attribute.</summary>
    public static AttributeProto Floats(string name, IEnumerable<float> values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Floats };
        a.Floats.AddRange(values);
        return a;
    }
}

using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Kernelwise.Export;
using Kernelwise.Models;
using Microsoft.ML.OnnxRuntime;
using TensorElementType = Microsoft.ML.OnnxRuntime.Tensors.TensorElementType;
using TorchSharp;
using static TorchSharp.torch;

namespace Kernelwise.OnnxRuntime;

/// <summary>
/// A Kernelwise model's inference run by ONNX Runtime: the model exported to ONNX in memory (as
/// <c>Model.ToOnnxBytes</c> writes it) and loaded into one ONNX Runtime session. It takes and returns what
/// <c>Model.Predict</c> does — float32 NCHW inputs <c>[N, ...InputShape]</c>, outputs <c>[N, ...OutputShape]</c> — and its
/// outputs equal the model's in evaluation mode (dropout off, batch normalization on its running statistics) within
/// float32 rounding (the tests hold them to 1e-4).
/// </summary>
/// <remarks>
/// <para>Create one with <see cref="OnnxPredictorExtensions.ToOnnxPredictor"/>. It is a snapshot: the weights are copied
/// into the ONNX model when it is created, so training the model further changes nothing here — create a new predictor.
/// It holds no reference to the model, which may be disposed.</para>
/// <para>Why: at small batches ONNX Runtime's CPU kernels and its fused graph (convolution + activation, one
/// pre-planned memory arena) answer faster than libtorch's eager dispatch; at large batches both spend their time in
/// similar convolution and matrix kernels. docs/performance.md has the measurements; docs/onnx.md says when to use
/// which.</para>
/// <para>Tensor inputs are read in place when they are contiguous float32 on the CPU (no copy); outputs are written by
/// ONNX Runtime directly into the tensors or arrays returned. Several threads may call the predict methods at once
/// (an ONNX Runtime session is thread-safe); dispose the predictor after the last call.</para>
/// <para>Equivalent: <c>onnxruntime.InferenceSession(model_bytes).run(...)</c> in Python after <c>torch.onnx.export</c>.</para>
/// </remarks>
public sealed class OnnxPredictor : IDisposable
{
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions;
    private readonly string[] _graphInputs, _graphOutputs;
    private readonly long[][] _inputDims, _outputDims;
    private readonly long[] _inputSizes, _outputSizes;
    private volatile bool _disposed;

    internal OnnxPredictor(Model model, OnnxPredictorOptions options)
    {
        options.Validate();
        ModelName = model.Name;
        InputNames = model.InputNames.ToArray();
        OutputNames = model.OutputNames.ToArray();
        InputShapes = model.InputShapes.ToArray();
        OutputShapes = model.OutputShapes.ToArray();
        _inputDims = InputShapes.Select(s => s.ToArray().Select(d => (long)d).ToArray()).ToArray();
        _outputDims = OutputShapes.Select(s => s.ToArray().Select(d => (long)d).ToArray()).ToArray();
        _inputSizes = InputShapes.Select(s => s.Elements).ToArray();
        _outputSizes = OutputShapes.Select(s => s.Elements).ToArray();
        IntraOpThreads = options.IntraOpThreads ?? get_num_threads();

        byte[] onnx = model.ToOnnxBytes(options.Export);
        using (var sessionOptions = new SessionOptions())
        {
            sessionOptions.IntraOpNumThreads = IntraOpThreads;
            sessionOptions.InterOpNumThreads = 1;
            sessionOptions.ExecutionMode = ExecutionMode.ORT_SEQUENTIAL;
            sessionOptions.GraphOptimizationLevel = options.OptimizationLevel;
            if (!options.AllowSpinning) sessionOptions.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
            options.ConfigureSession?.Invoke(sessionOptions);
            _session = new InferenceSession(onnx, sessionOptions);
        }
        try
        {
            _graphInputs = _session.InputNames.ToArray();
            _graphOutputs = _session.OutputNames.ToArray();
            if (_graphInputs.Length != InputNames.Count || _graphOutputs.Length != OutputNames.Count)
            {
                throw new InvalidOperationException(
                    $"The ONNX model of '{ModelName}' has {_graphInputs.Length} input(s) and {_graphOutputs.Length} output(s) ({string.Join(", ", _graphInputs)} → {string.Join(", ", _graphOutputs)}); " +
                    $"the model has {InputNames.Count} input(s) and {OutputNames.Count} output(s) ({string.Join(", ", InputNames)} → {string.Join(", ", OutputNames)}).");
            }
            _runOptions = new RunOptions();
        }
        catch
        {
            _session.Dispose();
            throw;
        }
    }

    /// <summary>The name of the model this predictor was made from.</summary>
    public string ModelName { get; }

    /// <summary>The model's input names, in the order <see cref="PredictOutputs(IReadOnlyList{Tensor}, int)"/> takes them.</summary>
    public IReadOnlyList<string> InputNames { get; }

    /// <summary>The model's output names, in the order the predict methods return them.</summary>
    public IReadOnlyList<string> OutputNames { get; }

    /// <summary>Each input's shape per sample (batch excluded), as <c>Model.InputShapes</c>.</summary>
    public IReadOnlyList<Shape> InputShapes { get; }

    /// <summary>Each output's shape per sample (batch excluded), as <c>Model.OutputShapes</c>.</summary>
    public IReadOnlyList<Shape> OutputShapes { get; }

    /// <summary>The threads ONNX Runtime uses inside one operator (see <see cref="OnnxPredictorOptions.IntraOpThreads"/>).</summary>
    public int IntraOpThreads { get; }

    /// <summary>
    /// The outputs for <paramref name="inputs"/> <c>[N, ...InputShape]</c> (a model with one input and one output), as a
    /// new CPU float32 tensor <c>[N, ...OutputShape]</c> that the caller owns — what <c>Model.Predict</c> returns.
    /// </summary>
    /// <param name="inputs">float32 samples, on any device (a tensor not on the CPU is copied there first).</param>
    /// <param name="batchSize">Samples per ONNX Runtime call; larger batches use more memory for activations.</param>
    public Tensor Predict(Tensor inputs, int batchSize = 32)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        RequireSingleInputAndOutput(nameof(Predict));
        return PredictOutputs(new[] { inputs }, batchSize)[0];
    }

    /// <summary>
    /// Every output for <paramref name="inputs"/> (one float32 tensor <c>[N, ...]</c> per model input, in
    /// <see cref="InputNames"/> order): one new CPU tensor per output, in <see cref="OutputNames"/> order, that the caller
    /// owns — what <c>Model.PredictOutputs</c> returns.
    /// </summary>
    public Tensor[] PredictOutputs(IReadOnlyList<Tensor> inputs, int batchSize = 32)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ObjectDisposedException.ThrowIf(_disposed, this);
        CheckBatchSize(batchSize);
        long n = CheckTensors(inputs, nameof(PredictOutputs));
        long largestSample = Math.Max(_inputSizes.Max(), _outputSizes.Max()) * sizeof(float);
        if (Math.Min(n, batchSize) * largestSample > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize,
                $"Invalid value for argument batchSize. Expected at most {int.MaxValue / largestSample} samples per call, so that one batch of model '{ModelName}' stays under 2 GiB. Received batchSize={batchSize}.");
        }
        using var scope = NewDisposeScope();
        // Contiguous CPU inputs are read where they are; others are copied once (the copies die with the scope).
        var x = inputs.Select(t => t.device_type == DeviceType.CPU && t.is_contiguous() ? t : (t.device_type == DeviceType.CPU ? t : t.cpu()).contiguous()).ToArray();
        var y = _outputDims.Select(d => empty(Prepend(n, d), ScalarType.Float32)).ToArray();
        var inPointers = new nint[x.Length];
        var outPointers = new nint[y.Length];
        if (n <= batchSize)
        {
            // One call (batch 1 in a server, say): no views, the fewest TorchSharp calls.
            for (int i = 0; i < x.Length; i++) inPointers[i] = DataPointer(x[i]);
            for (int k = 0; k < y.Length; k++) outPointers[k] = DataPointer(y[k]);
            RunBatch(inPointers, outPointers, n);
        }
        else
        {
            for (long start = 0; start < n; start += batchSize)
            {
                long size = Math.Min(batchSize, n - start);
                using var batchScope = NewDisposeScope();
                for (int i = 0; i < x.Length; i++) inPointers[i] = DataPointer(x[i].narrow(0, start, size));
                for (int k = 0; k < y.Length; k++) outPointers[k] = DataPointer(y[k].narrow(0, start, size));
                RunBatch(inPointers, outPointers, size);
            }
        }
        GC.KeepAlive(x);
        return y.Select(t => t.MoveToOuterDisposeScope()).ToArray();
    }

    /// <summary>
    /// The outputs for <paramref name="inputs"/>, samples one after another in NCHW order (N × the input shape's
    /// elements, a model with one input and one output), as a new array of N × the output shape's elements. For callers
    /// without TorchSharp tensors: pixels from an image decoder, a request body.
    /// </summary>
    public float[] Predict(float[] inputs, int batchSize = 32)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        RequireSingleInputAndOutput(nameof(Predict));
        long n = SampleCount(inputs.Length, 0, 1, nameof(Predict));
        var outputs = new float[OutputLength(n, 0)];
        Predict(inputs, outputs, batchSize);
        return outputs;
    }

    /// <summary>
    /// Writes the outputs for <paramref name="inputs"/> into <paramref name="outputs"/> (a model with one input and one
    /// output): no allocation per call, for a server answering one request at a time. Lengths as in
    /// <see cref="Predict(float[], int)"/>; <paramref name="outputs"/> must hold exactly N × the output shape's elements.
    /// </summary>
    public unsafe void Predict(ReadOnlySpan<float> inputs, Span<float> outputs, int batchSize = 32)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        RequireSingleInputAndOutput(nameof(Predict));
        CheckBatchSize(batchSize);
        long n = SampleCount(inputs.Length, 0, 1, nameof(Predict));
        long expected = n * _outputSizes[0];
        if (outputs.Length != expected)
        {
            throw new ArgumentException(
                $"Predict received an output span of {outputs.Length} values; {n} sample(s) of model '{ModelName}' give {expected} ({n} × {OutputShapes[0].ToDimsString()}).",
                nameof(outputs));
        }
        fixed (float* x = inputs)
        fixed (float* y = outputs)
        {
            var inPointers = new nint[1];
            var outPointers = new nint[1];
            for (long start = 0; start < n; start += batchSize)
            {
                long size = Math.Min(batchSize, n - start);
                inPointers[0] = (nint)(x + start * _inputSizes[0]);
                outPointers[0] = (nint)(y + start * _outputSizes[0]);
                RunBatch(inPointers, outPointers, size);
            }
        }
    }

    /// <summary>
    /// Every output for <paramref name="inputs"/> (one array per model input, in <see cref="InputNames"/> order, each N ×
    /// that input's elements per sample): one new array per output, in <see cref="OutputNames"/> order.
    /// </summary>
    public float[][] PredictOutputs(IReadOnlyList<float[]> inputs, int batchSize = 32)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ObjectDisposedException.ThrowIf(_disposed, this);
        CheckBatchSize(batchSize);
        if (inputs.Count != InputNames.Count)
            throw new ArgumentException($"PredictOutputs received {inputs.Count} input array(s); model '{ModelName}' takes {InputNames.Count} ({string.Join(", ", InputNames)}).", nameof(inputs));
        long n = 0;
        for (int i = 0; i < inputs.Count; i++)
        {
            var array = inputs[i] ?? throw new ArgumentException($"PredictOutputs received null for input '{InputNames[i]}'.", nameof(inputs));
            long count = SampleCount(array.Length, i, inputs.Count, nameof(PredictOutputs));
            if (i == 0) n = count;
            else if (count != n)
                throw new ArgumentException($"PredictOutputs received {n} sample(s) for input '{InputNames[0]}' and {count} for input '{InputNames[i]}'; every input needs the same number of samples.", nameof(inputs));
        }
        var outputs = _outputSizes.Select((_, k) => new float[OutputLength(n, k)]).ToArray();
        var pins = new List<MemoryHandle>(inputs.Count + outputs.Length);
        try
        {
            foreach (var a in inputs) pins.Add(a.AsMemory().Pin());
            foreach (var a in outputs) pins.Add(a.AsMemory().Pin());
            var inPointers = new nint[inputs.Count];
            var outPointers = new nint[outputs.Length];
            for (long start = 0; start < n; start += batchSize)
            {
                long size = Math.Min(batchSize, n - start);
                unsafe
                {
                    for (int i = 0; i < inPointers.Length; i++) inPointers[i] = (nint)((float*)pins[i].Pointer + start * _inputSizes[i]);
                    for (int k = 0; k < outPointers.Length; k++) outPointers[k] = (nint)((float*)pins[inputs.Count + k].Pointer + start * _outputSizes[k]);
                }
                RunBatch(inPointers, outPointers, size);
            }
        }
        finally
        {
            foreach (var p in pins) p.Dispose();
        }
        return outputs;
    }

    /// <summary>Releases the ONNX Runtime session (its weights and memory arena).</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _runOptions.Dispose();
        _session.Dispose();
    }

    /// <summary>One ONNX Runtime call over <paramref name="size"/> samples, reading and writing caller memory in place.</summary>
    private void RunBatch(nint[] inputs, nint[] outputs, long size)
    {
        var inValues = new OrtValue[inputs.Length];
        var outValues = new OrtValue[outputs.Length];
        try
        {
            for (int i = 0; i < inputs.Length; i++)
                inValues[i] = Wrap(inputs[i], _inputDims[i], _inputSizes[i], size);
            for (int k = 0; k < outputs.Length; k++)
                outValues[k] = Wrap(outputs[k], _outputDims[k], _outputSizes[k], size);
            _session.Run(_runOptions, _graphInputs, inValues, _graphOutputs, outValues);
        }
        finally
        {
            foreach (var v in inValues) v?.Dispose();
            foreach (var v in outValues) v?.Dispose();
        }
    }

    private static OrtValue Wrap(nint pointer, long[] dims, long elements, long size) =>
        OrtValue.CreateTensorValueWithData(OrtMemoryInfo.DefaultInstance, TensorElementType.Float, Prepend(size, dims), pointer, size * elements * sizeof(float));

    private static long[] Prepend(long batch, long[] dims)
    {
        var shape = new long[dims.Length + 1];
        shape[0] = batch;
        dims.CopyTo(shape, 1);
        return shape;
    }

    /// <summary>The address of a contiguous CPU tensor's first element (the tensor's own memory; no copy). Spans hold at most 2 GiB: batches, not whole data sets, go through here.</summary>
    private static unsafe nint DataPointer(Tensor t) => (nint)Unsafe.AsPointer(ref MemoryMarshal.GetReference(t.bytes));

    private long CheckTensors(IReadOnlyList<Tensor> inputs, string method)
    {
        if (inputs.Count != InputNames.Count)
            throw new ArgumentException($"{method} received {inputs.Count} input tensor(s); model '{ModelName}' takes {InputNames.Count} ({string.Join(", ", InputNames)}).", nameof(inputs));
        long n = 0;
        for (int i = 0; i < inputs.Count; i++)
        {
            string which = inputs.Count == 1 ? "inputs" : $"input '{InputNames[i]}'";
            var t = inputs[i] ?? throw new ArgumentException($"{method} received null for {which}.", nameof(inputs));
            if (t.dtype != ScalarType.Float32)
                throw new ArgumentException($"{method} received {which} of type {t.dtype}; the ONNX model of '{ModelName}' takes Float32. Convert with .to_type(ScalarType.Float32).", nameof(inputs));
            if (t.dim() != _inputDims[i].Length + 1 || !t.shape.AsSpan(1).SequenceEqual(_inputDims[i]))
                throw new ArgumentException($"{method} received {which} of shape [{string.Join(", ", t.shape)}]; model '{ModelName}' expects [batch, {string.Join(", ", _inputDims[i])}] (NCHW).", nameof(inputs));
            if (i == 0) n = t.shape[0];
            else if (t.shape[0] != n)
                throw new ArgumentException($"{method} received {n} sample(s) for input '{InputNames[0]}' and {t.shape[0]} for input '{InputNames[i]}'; every input needs the same number of samples.", nameof(inputs));
        }
        if (n == 0) throw new ArgumentException($"{method} received no samples (a batch of 0); expected at least one.", nameof(inputs));
        return n;
    }

    private long SampleCount(int length, int input, int inputCount, string method)
    {
        long per = _inputSizes[input];
        if (length > 0 && length % per == 0) return length / per;
        string which = inputCount == 1 ? "inputs" : $"input '{InputNames[input]}'";
        throw new ArgumentException(
            $"{method} received {which} with {length} values; model '{ModelName}' takes {per} values per sample ({InputShapes[input].ToDimsString()}, NCHW), so the length must be a positive multiple of {per}.",
            "inputs");
    }

    private int OutputLength(long samples, int output)
    {
        long length = samples * _outputSizes[output];
        if (length > Array.MaxLength)
            throw new ArgumentException($"{samples} samples give {length} output values for output '{OutputNames[output]}', more than one array holds ({Array.MaxLength}); predict fewer samples per call or use the tensor overload.", "inputs");
        return (int)length;
    }

    private void RequireSingleInputAndOutput(string method)
    {
        if (InputNames.Count == 1 && OutputNames.Count == 1) return;
        throw new InvalidOperationException(
            $"Model '{ModelName}' has {InputNames.Count} input(s) ({string.Join(", ", InputNames)}) and {OutputNames.Count} output(s) ({string.Join(", ", OutputNames)}); " +
            $"{method} takes one of each. Use {method}Outputs, which takes one value per input and returns one per output.");
    }

    private static void CheckBatchSize(int batchSize)
    {
        if (batchSize < 1)
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, $"Invalid value for argument batchSize. Expected a strictly positive value. Received batchSize={batchSize}.");
    }
}

using System.Globalization;
using System.Text;

namespace Kernelwise.Formats;

/// <summary>
/// One tensor of a PyTorch state dict as its pickle declares it: the key, the storage it lives in (an entry
/// <c>…/data/&lt;StorageKey&gt;</c> of the zip file) and its layout in that storage, in elements.
/// </summary>
internal sealed record DeclaredTensor(
    string Key, string StorageKey, string StorageType, int ElementSize, long StorageElements, long StorageOffset, long[] Shape, long[] Stride)
{
    /// <summary>The number of elements (the product of <see cref="Shape"/>; checked not to overflow).</summary>
    public long Elements => Shape.Aggregate(1L, (a, b) => a * b);

    /// <summary>The bytes the storage entry must hold: <see cref="StorageElements"/> × <see cref="ElementSize"/>.</summary>
    public long StorageBytes => StorageElements * ElementSize;
}

/// <summary>
/// Checks the pickle of a PyTorch file (its <c>data.pkl</c>) before it is unpickled, by interpreting it: a small,
/// strict pickle machine that knows the opcodes <c>torch.save</c> writes for a state dict (protocol 2, and the
/// protocol-4 forms) and the three calls a state dict needs — <c>collections.OrderedDict()</c>,
/// <c>torch._utils._rebuild_tensor_v2(storage, offset, size, stride, requires_grad, hooks)</c> and the storage
/// persistent ids <c>('storage', torch.FloatStorage, key, location, elements)</c>. It creates no tensors; it returns
/// every tensor's declaration (key, storage, dtype, offset, shape, stride), each checked in itself: sizes, strides
/// and offset non-negative, the layout one the reader can fill (contiguous, from the start of its storage), and no
/// more elements than the storage declares. Anything else — another Python global (PyTorch's <c>weights_only=True</c>
/// policy), an opcode outside that set, a call with unexpected arguments, a value of the dict that is not a tensor,
/// a tensor outside the dict — is refused with a <see cref="CheckpointException"/> naming the file, the entry, the
/// value and the byte where it was found.
/// </summary>
/// <remarks>
/// The unpickler that follows (TorchSharp.PyBridge over Razorvine.Pickle) cannot run Python code, but it allocates
/// <c>torch.empty(shape)</c> for each tensor with the shape the pickle declares, before it reads the storage bytes.
/// The declarations returned here let the caller bound every allocation by the size of the storage entry and of the
/// file before the unpickler runs. The machine keeps Python's mark stack: an opcode that would reach below the last
/// MARK is refused, so the interpretation cannot drift from a real unpickler's on malformed input.
/// </remarks>
internal static class PickleGuard
{
    /// <summary>The most dimensions a declared tensor may have.</summary>
    public const int MaxRank = 64;

    private static readonly HashSet<string> Allowed = new(StringComparer.Ordinal)
    {
        "collections.OrderedDict",
        "torch._utils._rebuild_tensor",
        "torch._utils._rebuild_tensor_v2",
        "torch._utils._rebuild_parameter",
        "torch.DoubleStorage", "torch.FloatStorage", "torch.HalfStorage", "torch.BFloat16Storage",
        "torch.LongStorage", "torch.IntStorage", "torch.ShortStorage", "torch.CharStorage", "torch.ByteStorage",
        "torch.BoolStorage", "torch.ComplexDoubleStorage", "torch.ComplexFloatStorage",
    };

    /// <summary>Bytes per element of each storage class the reader knows.</summary>
    private static readonly Dictionary<string, int> ElementSizes = new(StringComparer.Ordinal)
    {
        ["DoubleStorage"] = 8, ["FloatStorage"] = 4, ["HalfStorage"] = 2, ["BFloat16Storage"] = 2,
        ["LongStorage"] = 8, ["IntStorage"] = 4, ["ShortStorage"] = 2, ["CharStorage"] = 1, ["ByteStorage"] = 1,
        ["BoolStorage"] = 1, ["ComplexDoubleStorage"] = 16, ["ComplexFloatStorage"] = 8,
    };

    /// <summary>
    /// Interprets <paramref name="pickle"/> (the entry <paramref name="entry"/> of the file <paramref name="path"/>) and
    /// returns the tensors of the state dict it holds, in the dict's order.
    /// </summary>
    /// <exception cref="CheckpointException">The pickle holds anything but a state dict of tensors the reader can fill.</exception>
    public static IReadOnlyList<DeclaredTensor> Scan(byte[] pickle, string path, string entry)
        => new Machine(pickle, path, entry).Run();

    private static CheckpointException Refuse(string path, string entry, string why, long? at = null)
        => new(path, $"Refusing to load '{path}': {why} (entry '{entry}'{(at is long b ? $", byte {b}" : "")}). Only state dicts of tensors (torch.save(model.state_dict(), ...)) are accepted.");

    private static string Dims(IEnumerable<long> values) => $"[{string.Join(", ", values)}]";

    // Values of the machine. None is null; ints are long; strings are string; booleans bool; floats double.
    private sealed class PyTuple(object?[] items)
    {
        public object?[] Items { get; } = items;
    }

    private sealed class PyList
    {
        public List<object?> Items { get; } = new();
    }

    private sealed class PyDict(bool ordered)
    {
        private static readonly object NoneKey = new();
        private readonly Dictionary<object, int> _index = new();
        public bool Ordered { get; } = ordered;
        public List<KeyValuePair<object?, object?>> Items { get; } = new();

        public void Set(object? key, object? value)
        {
            // Strings, ints and booleans compare by value as in Python; other keys (tuples) by identity.
            object k = key ?? NoneKey;
            if (_index.TryGetValue(k, out int at)) Items[at] = new(key, value);
            else
            {
                _index[k] = Items.Count;
                Items.Add(new(key, value));
            }
        }
    }

    private sealed record GlobalRef(string Module, string Name)
    {
        public override string ToString() => $"{Module}.{Name}";
    }

    private sealed record StorageRef(string Type, int ElementSize, string Key, long Elements);

    private sealed class TensorRef(StorageRef storage, long offset, long[] shape, long[] stride, long at)
    {
        public StorageRef Storage { get; } = storage;
        public long Offset { get; } = offset;
        public long[] Shape { get; } = shape;
        public long[] Stride { get; } = stride;
        public long At { get; } = at;
    }

    private sealed class Machine(byte[] data, string path, string entry)
    {
        private readonly List<object?> _stack = new();
        private readonly Stack<int> _marks = new();
        private readonly Dictionary<long, object?> _memo = new();
        private readonly List<TensorRef> _tensors = new();
        private int _pos;
        private long _op; // where the opcode being run starts

        private CheckpointException Refuse(string why) => PickleGuard.Refuse(path, entry, why, _op);

        public IReadOnlyList<DeclaredTensor> Run()
        {
            while (_pos < data.Length)
            {
                _op = _pos;
                byte op = data[_pos++];
                if (op == (byte)'.') return Finish();
                Step(op);
            }
            throw PickleGuard.Refuse(path, entry, "its pickle data ends without a STOP opcode (truncated?)");
        }

        private void Step(byte op)
        {
            switch (op)
            {
                case 0x80: // PROTO
                {
                    long version = Unsigned(1);
                    if (version > 5) throw Refuse($"it declares pickle protocol {version}; protocols up to 5 are known");
                    break;
                }
                case 0x95: // FRAME: a length prefix for the opcodes that follow; nothing to do but check it
                    if (Unsigned(8) > data.Length - _pos) throw Refuse("its pickle frame is longer than the data (truncated?)");
                    break;
                case (byte)'(': _marks.Push(_stack.Count); break; // MARK
                case (byte)'0': Pop(); break; // POP
                case (byte)'1': PopMark(); break; // POP_MARK
                case (byte)'N': Push(null); break; // NONE
                case 0x88: Push(true); break; // NEWTRUE
                case 0x89: Push(false); break; // NEWFALSE
                case (byte)'K': Push(Unsigned(1)); break; // BININT1
                case (byte)'M': Push(Unsigned(2)); break; // BININT2
                case (byte)'J': Push((long)unchecked((int)Unsigned(4))); break; // BININT (signed)
                case 0x8a: Push(Long1()); break; // LONG1
                case (byte)'G': Push(BitConverter.Int64BitsToDouble((long)BigEndian(8))); break; // BINFLOAT
                case (byte)'X': Push(Text(Unsigned(4))); break; // BINUNICODE
                case 0x8c: Push(Text(Unsigned(1))); break; // SHORT_BINUNICODE
                case 0x8d: Push(Text(Unsigned(8))); break; // BINUNICODE8
                case (byte)')': Push(new PyTuple(Array.Empty<object?>())); break; // EMPTY_TUPLE
                case (byte)'t': Push(new PyTuple(PopMark())); break; // TUPLE
                case 0x85: Push(new PyTuple(new[] { Pop() })); break; // TUPLE1
                case 0x86: // TUPLE2
                {
                    var b = Pop();
                    var a = Pop();
                    Push(new PyTuple(new[] { a, b }));
                    break;
                }
                case 0x87: // TUPLE3
                {
                    var c = Pop();
                    var b = Pop();
                    var a = Pop();
                    Push(new PyTuple(new[] { a, b, c }));
                    break;
                }
                case (byte)']': Push(new PyList()); break; // EMPTY_LIST
                case (byte)'l': // LIST
                {
                    var list = new PyList();
                    list.Items.AddRange(PopMark());
                    Push(list);
                    break;
                }
                case (byte)'a': // APPEND
                {
                    var value = Pop();
                    Target<PyList>("APPEND").Items.Add(value);
                    break;
                }
                case (byte)'e': // APPENDS
                {
                    var values = PopMark();
                    Target<PyList>("APPENDS").Items.AddRange(values);
                    break;
                }
                case (byte)'}': Push(new PyDict(ordered: false)); break; // EMPTY_DICT
                case (byte)'d': // DICT
                {
                    var dict = new PyDict(ordered: false);
                    SetItems(dict, PopMark());
                    Push(dict);
                    break;
                }
                case (byte)'s': // SETITEM
                {
                    var value = Pop();
                    var key = Pop();
                    Target<PyDict>("SETITEM").Set(key, value);
                    break;
                }
                case (byte)'u': // SETITEMS
                {
                    var items = PopMark();
                    SetItems(Target<PyDict>("SETITEMS"), items);
                    break;
                }
                case (byte)'c': // GLOBAL module\nname\n
                {
                    string module = Line(), name = Line();
                    Push(Global(module, name));
                    break;
                }
                case 0x93: // STACK_GLOBAL
                {
                    var name = Pop();
                    var module = Pop();
                    if (module is not string m || name is not string n)
                        throw Refuse("it resolves a Python global from computed values (STACK_GLOBAL without literal operands)");
                    Push(Global(m, n));
                    break;
                }
                case (byte)'R': // REDUCE
                {
                    var args = Pop();
                    var callable = Pop();
                    if (callable is not GlobalRef g) throw Refuse($"it calls {Describe(callable)}, which is not a function (REDUCE)");
                    if (args is not PyTuple t) throw Refuse($"it calls {g} with {Describe(args)} instead of an argument tuple (REDUCE)");
                    Push(Call(g, t.Items));
                    break;
                }
                case (byte)'b': // BUILD
                {
                    var state = Pop();
                    var target = Peek();
                    // torch.save writes an OrderedDict's attributes (its _metadata: versions per module) this way.
                    if (target is not PyDict { Ordered: true } || state is not PyDict stateDict)
                        throw Refuse($"it sets the state of {Describe(target)} from {Describe(state)} (BUILD); only an OrderedDict's attributes are expected there");
                    RequirePlainData(stateDict, "the state dict's attributes");
                    break;
                }
                case (byte)'Q': Push(Storage(Pop())); break; // BINPERSID
                case (byte)'q': _memo[Unsigned(1)] = Peek(); break; // BINPUT
                case (byte)'r': _memo[Unsigned(4)] = Peek(); break; // LONG_BINPUT
                case 0x94: _memo[_memo.Count] = Peek(); break; // MEMOIZE
                case (byte)'h': Push(Get(Unsigned(1))); break; // BINGET
                case (byte)'j': Push(Get(Unsigned(4))); break; // LONG_BINGET
                case (byte)'i': // INST
                    throw Refuse($"it instantiates the Python class '{Line()}.{Line()}' (INST)");
                case 0x82: case 0x83: case 0x84:
                    throw Refuse("it refers to Python globals through the extension registry (EXT opcodes)");
                case (byte)'o': case 0x81: case 0x92:
                    throw Refuse($"it creates a Python object with {OpcodeName(op)}, which a tensor state dict never needs");
                default:
                    throw Refuse($"it contains the pickle opcode {OpcodeName(op)}, which torch.save does not write for a state dict");
            }
        }

        private object Global(string module, string name)
        {
            if (!Allowed.Contains($"{module}.{name}"))
                throw Refuse($"it refers to the Python global '{module}.{name}', which a tensor state dict never needs; loading it could run code in Python, so Kernelwise refuses it");
            return new GlobalRef(module, name);
        }

        private object Call(GlobalRef g, object?[] args)
        {
            switch (g.ToString())
            {
                case "collections.OrderedDict":
                    // torch.save writes OrderedDict() ; TorchSharp.PyBridge writes OrderedDict(()). Items follow by SETITEMS.
                    if (args.Length > 1 || (args.Length == 1 && !IsEmptyContainer(args[0])))
                        throw Refuse($"it builds an OrderedDict from {args.Length} argument(s) ({string.Join(", ", args.Select(Describe))}); torch.save builds it empty and adds the items after");
                    return new PyDict(ordered: true);
                case "torch._utils._rebuild_tensor_v2":
                    return Tensor(args);
                case "torch._utils._rebuild_parameter":
                    throw Refuse("it holds torch.nn.Parameter objects — a whole model, or a state dict saved with keep_vars=True; save model.state_dict() instead");
                case "torch._utils._rebuild_tensor":
                    throw Refuse("it rebuilds tensors with torch._utils._rebuild_tensor (PyTorch before 1.0); load it in a current PyTorch and save it again");
                default:
                    throw Refuse($"it calls {g} directly, which torch.save never does (storages appear only in persistent ids)");
            }
        }

        private static bool IsEmptyContainer(object? value) => value switch
        {
            PyTuple t => t.Items.Length == 0,
            PyList l => l.Items.Count == 0,
            PyDict d => d.Items.Count == 0,
            _ => false,
        };

        /// <summary>_rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata]).</summary>
        private TensorRef Tensor(object?[] args)
        {
            if (args.Length is not (6 or 7))
                throw Refuse($"it calls torch._utils._rebuild_tensor_v2 with {args.Length} arguments; expected 6 (storage, offset, size, stride, requires_grad, backward_hooks) or 7 (with metadata)");
            if (args[0] is not StorageRef storage)
                throw Refuse($"it rebuilds a tensor from {Describe(args[0])} instead of a storage");
            if (args[1] is not long offset) throw Refuse($"it declares a tensor's storage offset as {Describe(args[1])}; expected an int");
            long[] shape = Ints(args[2], "size"), stride = Ints(args[3], "stride");
            if (args[4] is not bool) throw Refuse($"it declares a tensor's requires_grad as {Describe(args[4])}; expected True or False");
            if (args[5] is not PyDict { Items.Count: 0 })
                throw Refuse($"it declares a tensor's backward hooks as {Describe(args[5])}; a state dict's tensors carry none (an empty OrderedDict)");
            if (args.Length == 7)
            {
                if (args[6] is not PyDict metadata) throw Refuse($"it declares a tensor's metadata as {Describe(args[6])}; expected a dict");
                RequirePlainData(metadata, "a tensor's metadata");
            }
            var t = new TensorRef(storage, offset, shape, stride, _op);
            _tensors.Add(t);
            return t;
        }

        private long[] Ints(object? value, string what)
        {
            if (value is not PyTuple t) throw Refuse($"it declares a tensor's {what} as {Describe(value)}; expected a tuple of ints");
            if (t.Items.Length > MaxRank) throw Refuse($"it declares a tensor's {what} with {t.Items.Length} dimensions; at most {MaxRank} are accepted");
            var result = new long[t.Items.Length];
            for (int i = 0; i < result.Length; i++)
                result[i] = t.Items[i] is long v ? v : throw Refuse($"it declares a tensor's {what} with {Describe(t.Items[i])} at position {i}; expected ints");
            return result;
        }

        /// <summary>BINPERSID's operand: ('storage', torch.&lt;T&gt;Storage, key, location, elements).</summary>
        private StorageRef Storage(object? pid)
        {
            if (pid is not PyTuple { Items: var p } || p.Length != 5 || p[0] is not "storage")
                throw Refuse($"its persistent id is {Describe(pid)}; expected ('storage', storage class, key, location, elements) as torch.save writes");
            if (p[1] is not GlobalRef { Module: "torch" } type || !ElementSizes.TryGetValue(type.Name, out int size))
                throw Refuse($"its persistent id names the storage class {Describe(p[1])}; expected one of torch.{string.Join(", torch.", ElementSizes.Keys)}");
            if (p[2] is not string { Length: > 0 and <= 256 } key)
                throw Refuse($"its persistent id gives the storage key as {Describe(p[2])}; expected a non-empty string key of at most 256 characters");
            if (p[3] is not string) throw Refuse($"its persistent id gives the storage location as {Describe(p[3])}; expected a string such as 'cpu'");
            if (p[4] is not long elements || elements < 0 || elements > long.MaxValue / 16)
                throw Refuse($"its persistent id declares {Describe(p[4])} as the element count of storage '{key}'; expected an int from 0 to {long.MaxValue / 16:N0}");
            return new StorageRef(type.Name, size, key, elements);
        }

        /// <summary>Checks that a dict holds only None, booleans, numbers, strings, tuples, lists and dicts (no tensors, storages or globals).</summary>
        private void RequirePlainData(PyDict root, string what)
        {
            var seen = new HashSet<object>(ReferenceEqualityComparer.Instance);
            var pending = new Stack<object?>();
            pending.Push(root);
            while (pending.Count > 0)
            {
                var value = pending.Pop();
                switch (value)
                {
                    case null or bool or long or double or string: break;
                    case PyTuple or PyList or PyDict when !seen.Add(value): break;
                    case PyTuple t: foreach (var v in t.Items) pending.Push(v); break;
                    case PyList l: foreach (var v in l.Items) pending.Push(v); break;
                    case PyDict d:
                        foreach (var (k, v) in d.Items)
                        {
                            pending.Push(k);
                            pending.Push(v);
                        }
                        break;
                    default: throw Refuse($"{what} hold {Describe(value)}; only plain values (numbers, strings, tuples, lists, dicts) are expected there");
                }
            }
        }

        private void SetItems(PyDict dict, object?[] items)
        {
            if (items.Length % 2 != 0) throw Refuse($"it sets dict items from {items.Length} values, an odd number");
            for (int i = 0; i < items.Length; i += 2) dict.Set(items[i], items[i + 1]);
        }

        private IReadOnlyList<DeclaredTensor> Finish()
        {
            if (_marks.Count != 0 || _stack.Count != 1)
                throw Refuse($"it stops with {_stack.Count} values and {_marks.Count} open MARKs on the stack; expected exactly one value, the state dict");
            if (_pos != data.Length) throw Refuse($"it has {data.Length - _pos} bytes after its STOP opcode");
            if (_stack[0] is not PyDict dict) throw Refuse($"it holds {Describe(_stack[0])}, not a dict of tensors");
            var result = new List<DeclaredTensor>(dict.Items.Count);
            var inDict = new HashSet<TensorRef>(ReferenceEqualityComparer.Instance);
            foreach (var (k, v) in dict.Items)
            {
                if (k is not string key) throw Refuse($"its state dict has the key {Describe(k)}; keys are strings");
                if (v is not TensorRef t)
                    throw PickleGuard.Refuse(path, entry, $"it holds an entry '{key}' that is not a tensor but {Describe(v)}; only state dicts of tensors can be loaded");
                result.Add(Check(key, t));
                inDict.Add(t);
            }
            var stray = _tensors.FirstOrDefault(t => !inDict.Contains(t));
            if (stray is not null)
                throw PickleGuard.Refuse(path, entry, $"it declares a tensor of shape {Dims(stray.Shape)} that is not a value of the state dict", stray.At);
            return result;
        }

        /// <summary>The declaration's own bounds: what the reader allocates (the shape) fits in what the storage declares.</summary>
        private DeclaredTensor Check(string key, TensorRef t)
        {
            CheckpointException Bad(string why) => PickleGuard.Refuse(path, entry, $"tensor '{key}' {why}", t.At);
            if (t.Shape.Length != t.Stride.Length)
                throw Bad($"declares shape {Dims(t.Shape)} but {t.Stride.Length} strides {Dims(t.Stride)}; expected one stride per dimension");
            for (int i = 0; i < t.Shape.Length; i++)
            {
                if (t.Shape[i] < 0 || t.Shape[i] > int.MaxValue)
                    throw Bad($"declares shape {Dims(t.Shape)}: dimension {i} is {t.Shape[i]}; expected 0 to {int.MaxValue:N0}");
                if (t.Stride[i] < 0 || t.Stride[i] > int.MaxValue)
                    throw Bad($"declares strides {Dims(t.Stride)}: stride {i} is {t.Stride[i]}; expected 0 to {int.MaxValue:N0}");
            }
            if (t.Offset < 0 || t.Offset > int.MaxValue)
                throw Bad($"declares storage offset {t.Offset}; expected 0 to {int.MaxValue:N0}");
            // Elements, saturating: any product beyond the storage is an error anyway.
            long elements = t.Shape.Contains(0) ? 0 : 1;
            foreach (long d in t.Shape)
                if (d > 0) elements = elements > long.MaxValue / d ? long.MaxValue : elements * d;
            var storage = t.Storage;
            if (elements > storage.Elements)
                throw Bad($"declares shape {Dims(t.Shape)} ({(elements == long.MaxValue ? "more than 2^63" : elements.ToString("N0", CultureInfo.InvariantCulture))} elements), but its storage '{storage.Key}' declares {storage.Elements:N0} elements of {storage.ElementSize} bytes");
            // The reader fills the tensor from the first byte of the storage entry as if it were contiguous: accept
            // exactly the layouts for which that is right (offset 0, PyTorch's contiguous strides).
            if (t.Offset != 0 && elements > 0)
                throw Bad($"starts at element {t.Offset:N0} of its storage '{storage.Key}' (a view into a shared storage); Kernelwise reads each tensor from the start of its storage. In Python, save {{k: v.contiguous().clone() for k, v in state_dict.items()}} instead");
            long expected = 1;
            for (int i = t.Shape.Length - 1; i >= 0 && elements > 0; i--)
            {
                if (t.Shape[i] == 1) continue;
                if (t.Stride[i] != expected)
                    throw Bad($"declares strides {Dims(t.Stride)} for shape {Dims(t.Shape)}, which is not contiguous (stride {i} is {t.Stride[i]}, expected {expected}); Kernelwise reads contiguous tensors only. In Python, save {{k: v.contiguous() for k, v in state_dict.items()}} instead");
                expected *= t.Shape[i];
            }
            return new DeclaredTensor(key, storage.Key, storage.Type, storage.ElementSize, storage.Elements, t.Offset, t.Shape, t.Stride);
        }

        private void Push(object? value) => _stack.Add(value);

        private int Floor => _marks.Count == 0 ? 0 : _marks.Peek();

        private object? Pop()
        {
            if (_stack.Count <= Floor) throw Refuse($"{OpcodeName(data[_op])} takes a value from an empty stack{(_marks.Count > 0 ? " (above the last MARK)" : "")}");
            var value = _stack[^1];
            _stack.RemoveAt(_stack.Count - 1);
            return value;
        }

        private object? Peek()
        {
            if (_stack.Count <= Floor) throw Refuse($"{OpcodeName(data[_op])} reads a value from an empty stack{(_marks.Count > 0 ? " (above the last MARK)" : "")}");
            return _stack[^1];
        }

        private object?[] PopMark()
        {
            if (_marks.Count == 0) throw Refuse($"{OpcodeName(data[_op])} needs a MARK, and there is none");
            int mark = _marks.Pop();
            var items = _stack.GetRange(mark, _stack.Count - mark).ToArray();
            _stack.RemoveRange(mark, _stack.Count - mark);
            return items;
        }

        private T Target<T>(string opcode) where T : class
            => Peek() as T ?? throw Refuse($"{opcode} adds to {Describe(_stack[^1])}; expected a {(typeof(T) == typeof(PyDict) ? "dict" : "list")}");

        private object? Get(long index)
            => _memo.TryGetValue(index, out var value) ? value : throw Refuse($"it reads memo slot {index}, which was never written");

        private long Unsigned(int size)
        {
            if (size > data.Length - _pos) throw Truncated();
            ulong v = 0;
            for (int k = size - 1; k >= 0; k--) v = (v << 8) | data[_pos + k];
            _pos += size;
            if (v > long.MaxValue) throw Refuse($"it holds the length {v}, beyond any file");
            return (long)v;
        }

        private ulong BigEndian(int size)
        {
            if (size > data.Length - _pos) throw Truncated();
            ulong v = 0;
            for (int k = 0; k < size; k++) v = (v << 8) | data[_pos + k];
            _pos += size;
            return v;
        }

        private long Long1()
        {
            int n = (int)Unsigned(1);
            if (n > 8) throw Refuse($"it holds a {n}-byte integer; at most 8 bytes are accepted");
            if (n > data.Length - _pos) throw Truncated();
            long v = 0;
            for (int k = n - 1; k >= 0; k--) v = (v << 8) | data[_pos + k];
            if (n is > 0 and < 8 && (data[_pos + n - 1] & 0x80) != 0) v -= 1L << (8 * n); // two's complement
            _pos += n;
            return v;
        }

        private string Text(long length)
        {
            if (length > data.Length - _pos) throw Truncated();
            try
            {
                string s = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(data, _pos, (int)length);
                _pos += (int)length;
                return s;
            }
            catch (DecoderFallbackException)
            {
                throw Refuse("it holds a string that is not valid UTF-8");
            }
        }

        private string Line()
        {
            int end = Array.IndexOf(data, (byte)'\n', _pos);
            if (end < 0) throw Truncated();
            string s = Encoding.UTF8.GetString(data, _pos, end - _pos);
            _pos = end + 1;
            return s;
        }

        private CheckpointException Truncated() => Refuse("its pickle data is truncated");
    }

    private static string Describe(object? value) => value switch
    {
        null => "None",
        bool b => b ? "True" : "False",
        long l => $"the int {l}",
        double d => $"the float {d.ToString(CultureInfo.InvariantCulture)}",
        string s => $"the string '{(s.Length > 60 ? s[..60] + "…" : s)}'",
        PyTuple t => Count("a tuple", "an empty tuple", t.Items.Length),
        PyList l => Count("a list", "an empty list", l.Items.Count),
        PyDict d => d.Ordered ? Count("an OrderedDict", "an empty OrderedDict", d.Items.Count) : Count("a dict", "an empty dict", d.Items.Count),
        GlobalRef g => $"the global {g}",
        StorageRef s => $"the storage '{s.Key}'",
        TensorRef t => $"a tensor of shape {Dims(t.Shape)}",
        _ => value.GetType().Name,
    };

    private static string Count(string some, string none, int n) => n == 0 ? none : $"{some} of {n} item{(n == 1 ? "" : "s")}";

    private static string OpcodeName(byte op)
    {
        string? name = KnownOpcode(op);
        return name is null ? $"unknown opcode 0x{op:x2}" : name + (op is >= 0x20 and < 0x7f ? $" ('{(char)op}')" : $" (0x{op:x2})");
    }

    private static string? KnownOpcode(byte op) => op switch
    {
        (byte)'(' => "MARK", (byte)'.' => "STOP", (byte)'0' => "POP", (byte)'1' => "POP_MARK", (byte)'2' => "DUP",
        (byte)'F' => "FLOAT", (byte)'I' => "INT", (byte)'J' => "BININT", (byte)'K' => "BININT1", (byte)'L' => "LONG",
        (byte)'M' => "BININT2", (byte)'N' => "NONE", (byte)'P' => "PERSID", (byte)'Q' => "BINPERSID", (byte)'R' => "REDUCE",
        (byte)'S' => "STRING", (byte)'T' => "BINSTRING", (byte)'U' => "SHORT_BINSTRING", (byte)'V' => "UNICODE",
        (byte)'X' => "BINUNICODE", (byte)'a' => "APPEND", (byte)'b' => "BUILD", (byte)'c' => "GLOBAL", (byte)'d' => "DICT",
        (byte)'}' => "EMPTY_DICT", (byte)'e' => "APPENDS", (byte)'g' => "GET", (byte)'h' => "BINGET", (byte)'i' => "INST",
        (byte)'j' => "LONG_BINGET", (byte)'l' => "LIST", (byte)']' => "EMPTY_LIST", (byte)'o' => "OBJ", (byte)'p' => "PUT",
        (byte)'q' => "BINPUT", (byte)'r' => "LONG_BINPUT", (byte)'s' => "SETITEM", (byte)'t' => "TUPLE", (byte)')' => "EMPTY_TUPLE",
        (byte)'u' => "SETITEMS", (byte)'G' => "BINFLOAT", 0x80 => "PROTO", 0x81 => "NEWOBJ", 0x82 => "EXT1", 0x83 => "EXT2",
        0x84 => "EXT4", 0x85 => "TUPLE1", 0x86 => "TUPLE2", 0x87 => "TUPLE3", 0x88 => "NEWTRUE", 0x89 => "NEWFALSE",
        0x8a => "LONG1", 0x8b => "LONG4", (byte)'B' => "BINBYTES", (byte)'C' => "SHORT_BINBYTES", 0x8c => "SHORT_BINUNICODE",
        0x8d => "BINUNICODE8", 0x8e => "BINBYTES8", 0x8f => "EMPTY_SET", 0x90 => "ADDITEMS", 0x91 => "FROZENSET",
        0x92 => "NEWOBJ_EX", 0x93 => "STACK_GLOBAL", 0x94 => "MEMOIZE", 0x95 => "FRAME", 0x96 => "BYTEARRAY8",
        0x97 => "NEXT_BUFFER", 0x98 => "READONLY_BUFFER",
        _ => null,
    };
}

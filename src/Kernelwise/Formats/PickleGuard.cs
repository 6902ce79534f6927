using System.Text;

namespace Kernelwise.Formats;

/// <summary>
/// Checks a pickle stream (the <c>data.pkl</c> of a PyTorch file) before it is unpickled: every Python global it names
/// must be one a tensor state dict needs (PyTorch's <c>weights_only=True</c> policy). A file naming anything else —
/// <c>os.system</c>, <c>builtins.eval</c>, any class of a user's code — is refused without being unpickled.
/// </summary>
/// <remarks>
/// The unpickler that follows is a .NET one that cannot run Python code in any case; the guard makes the refusal
/// explicit and early, and rejects the opcodes that resolve globals indirectly (<c>INST</c>, <c>EXT1</c>–<c>EXT4</c>,
/// a <c>STACK_GLOBAL</c> whose operands are not two literal strings).
/// </remarks>
internal static class PickleGuard
{
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

    /// <summary>Throws <see cref="CheckpointException"/> naming the file and the global when the pickle refers to anything outside the allowed set.</summary>
    public static void Check(byte[] pickle, string path)
    {
        var recent = new List<string?>(); // values pushed, as far as they are literal strings (null otherwise)
        var memo = new Dictionary<long, string?>();
        int i = 0;
        void Push(string? v) => recent.Add(v);
        string? Top() => recent.Count == 0 ? null : recent[^1];
        while (i < pickle.Length)
        {
            byte op = pickle[i++];
            switch (op)
            {
                case (byte)'.': return; // STOP
                case (byte)'c': // GLOBAL module\nname\n
                {
                    string module = Line(pickle, ref i, path), name = Line(pickle, ref i, path);
                    Require(module, name, path);
                    Push(null);
                    break;
                }
                case 0x93: // STACK_GLOBAL
                {
                    string? name = recent.Count >= 1 ? recent[^1] : null, module = recent.Count >= 2 ? recent[^2] : null;
                    if (module is null || name is null)
                        throw Refuse(path, "it resolves a Python global from computed values (STACK_GLOBAL without literal operands)");
                    Require(module, name, path);
                    recent.RemoveRange(recent.Count - 2, 2);
                    Push(null);
                    break;
                }
                case (byte)'i': // INST
                    throw Refuse(path, $"it instantiates the Python class '{Line(pickle, ref i, path)}.{Line(pickle, ref i, path)}' (INST)");
                case 0x82: case 0x83: case 0x84: // EXT1, EXT2, EXT4
                    throw Refuse(path, "it refers to Python globals through the extension registry (EXT opcodes)");
                // Strings: remembered, since STACK_GLOBAL takes its operands from them.
                case 0x8c: Push(Encoding.UTF8.GetString(Take(pickle, ref i, Fixed(pickle, ref i, 1, path), path))); break; // SHORT_BINUNICODE
                case (byte)'X': Push(Encoding.UTF8.GetString(Take(pickle, ref i, Fixed(pickle, ref i, 4, path), path))); break; // BINUNICODE
                case 0x8d: Push(Encoding.UTF8.GetString(Take(pickle, ref i, Fixed(pickle, ref i, 8, path), path))); break; // BINUNICODE8
                case (byte)'U': Push(Encoding.Latin1.GetString(Take(pickle, ref i, Fixed(pickle, ref i, 1, path), path))); break; // SHORT_BINSTRING
                case (byte)'T': Push(Encoding.Latin1.GetString(Take(pickle, ref i, Fixed(pickle, ref i, 4, path), path))); break; // BINSTRING
                case (byte)'V': Push(Line(pickle, ref i, path)); break; // UNICODE
                case (byte)'S': Push(Line(pickle, ref i, path).Trim('\'', '"')); break; // STRING
                // Memo: a memoized string read back is still a literal.
                case 0x94: memo[memo.Count] = Top(); break; // MEMOIZE
                case (byte)'q': memo[Fixed(pickle, ref i, 1, path)] = Top(); break; // BINPUT
                case (byte)'r': memo[Fixed(pickle, ref i, 4, path)] = Top(); break; // LONG_BINPUT
                case (byte)'p': memo[long.TryParse(Line(pickle, ref i, path), out var put) ? put : -1] = Top(); break; // PUT
                case (byte)'h': Push(memo.GetValueOrDefault(Fixed(pickle, ref i, 1, path))); break; // BINGET
                case (byte)'j': Push(memo.GetValueOrDefault(Fixed(pickle, ref i, 4, path))); break; // LONG_BINGET
                case (byte)'g': Push(memo.GetValueOrDefault(long.TryParse(Line(pickle, ref i, path), out var get) ? get : -1)); break; // GET
                case (byte)'0': if (recent.Count > 0) recent.RemoveAt(recent.Count - 1); break; // POP
                // Opcodes with fixed-size arguments.
                case 0x80: Fixed(pickle, ref i, 1, path); break; // PROTO
                case 0x95: Fixed(pickle, ref i, 8, path); break; // FRAME
                case (byte)'K': Fixed(pickle, ref i, 1, path); Push(null); break; // BININT1
                case (byte)'M': Fixed(pickle, ref i, 2, path); Push(null); break; // BININT2
                case (byte)'J': Fixed(pickle, ref i, 4, path); Push(null); break; // BININT
                case (byte)'G': Take(pickle, ref i, 8, path); Push(null); break; // BINFLOAT
                case 0x8a: Take(pickle, ref i, Fixed(pickle, ref i, 1, path), path); Push(null); break; // LONG1
                case 0x8b: Take(pickle, ref i, Fixed(pickle, ref i, 4, path), path); Push(null); break; // LONG4
                case (byte)'B': Take(pickle, ref i, Fixed(pickle, ref i, 4, path), path); Push(null); break; // BINBYTES
                case (byte)'C': Take(pickle, ref i, Fixed(pickle, ref i, 1, path), path); Push(null); break; // SHORT_BINBYTES
                case 0x8e: case 0x96: Take(pickle, ref i, Fixed(pickle, ref i, 8, path), path); Push(null); break; // BINBYTES8, BYTEARRAY8
                // Opcodes with a newline-terminated argument.
                case (byte)'I': case (byte)'L': case (byte)'F': case (byte)'P': Line(pickle, ref i, path); Push(null); break; // INT, LONG, FLOAT, PERSID
                // Opcodes without arguments.
                case (byte)'(': case (byte)'N': case (byte)'}': case (byte)']': case (byte)')': case 0x88: case 0x89: case 0x8f:
                case (byte)'d': case (byte)'l': case (byte)'t': case (byte)'R': case (byte)'b': case (byte)'Q': case (byte)'o':
                case 0x81: case 0x92: case 0x85: case 0x86: case 0x87: case 0x91: case (byte)'2': case 0x97: case 0x98:
                    Push(null); break;
                case (byte)'1': case (byte)'a': case (byte)'e': case (byte)'s': case (byte)'u': case 0x90:
                    break; // POP_MARK, APPEND(S), SETITEM(S), ADDITEMS: consume only
                default:
                    throw Refuse(path, $"it contains the unknown pickle opcode 0x{op:x2} at byte {i - 1}");
            }
        }
        throw Refuse(path, "its pickle data ends without a STOP opcode (truncated?)");
    }

    private static void Require(string module, string name, string path)
    {
        if (!Allowed.Contains($"{module}.{name}"))
            throw Refuse(path, $"it refers to the Python global '{module}.{name}', which a tensor state dict never needs; loading it could run code in Python, so Kernelwise refuses it");
    }

    private static CheckpointException Refuse(string path, string why)
        => new(path, $"Refusing to load '{path}': {why}. Only state dicts of tensors (torch.save(model.state_dict(), ...)) are accepted.");

    private static string Line(byte[] data, ref int i, string path)
    {
        int end = Array.IndexOf(data, (byte)'\n', i);
        if (end < 0) throw Refuse(path, "its pickle data is truncated");
        string s = Encoding.UTF8.GetString(data, i, end - i);
        i = end + 1;
        return s;
    }

    private static long Fixed(byte[] data, ref int i, int size, string path)
    {
        if (i + size > data.Length) throw Refuse(path, "its pickle data is truncated");
        long v = 0;
        for (int k = size - 1; k >= 0; k--) v = (v << 8) | data[i + k];
        i += size;
        return v;
    }

    private static byte[] Take(byte[] data, ref int i, long size, string path)
    {
        if (size < 0 || i + size > data.Length) throw Refuse(path, "its pickle data is truncated");
        var result = data.AsSpan(i, (int)size).ToArray();
        i += (int)size;
        return result;
    }
}

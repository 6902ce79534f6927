using System.Reflection;
using System.Reflection.Emit;

namespace Kernelwise.Tests.Architecture;

/// <summary>
/// Which of Kernelwise's namespaces refer to which, read from the compiled assembly: base types, interfaces, fields,
/// properties, events, method signatures, generic arguments, attributes, and every type, method and field a method
/// body names (its IL). A namespace is <c>Kernelwise</c> or its first segment below it (<c>Kernelwise.Data.Loading</c>
/// belongs to <c>Kernelwise.Data</c>).
/// </summary>
internal static class NamespaceGraph
{
    private static readonly Dictionary<short, OpCode> OneByte = new(), TwoByte = new();

    static NamespaceGraph()
    {
        foreach (var f in typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static))
        {
            var op = (OpCode)f.GetValue(null)!;
            if (op.Size == 1) OneByte[(byte)op.Value] = op;
            else TwoByte[(byte)(op.Value & 0xFF)] = op;
        }
    }

    public static string Group(string? ns)
    {
        if (ns is null || !(ns == "Kernelwise" || ns.StartsWith("Kernelwise.", StringComparison.Ordinal))) return "";
        var parts = ns.Split('.');
        return parts.Length == 1 ? "Kernelwise" : "Kernelwise." + parts[1];
    }

    /// <summary>Arrows between namespaces of <paramref name="assemblies"/>, each with one example (referring type → referred type) for messages.</summary>
    public static Dictionary<string, Dictionary<string, string>> Build(params Assembly[] assemblies)
    {
        var edges = new Dictionary<string, Dictionary<string, string>>();
        foreach (var type in assemblies.SelectMany(a => a.GetTypes()))
        {
            string from = Group(type.Namespace ?? Outermost(type).Namespace);
            if (from.Length == 0) continue;
            if (!edges.ContainsKey(from)) edges[from] = new Dictionary<string, string>();
            foreach (var referred in References(type))
            {
                foreach (var t in Expand(referred))
                {
                    string to = Group(t.Namespace ?? Outermost(t).Namespace);
                    if (to.Length == 0 || to == from || edges[from].ContainsKey(to)) continue;
                    edges[from][to] = $"{type.FullName} → {t.FullName}";
                }
            }
        }
        return edges;
    }

    private static Type Outermost(Type t)
    {
        while (t.DeclaringType is not null) t = t.DeclaringType;
        return t;
    }

    private static IEnumerable<Type> Expand(Type t)
    {
        if (t.IsGenericParameter) yield break;
        if (t.HasElementType)
        {
            foreach (var e in Expand(t.GetElementType()!)) yield return e;
            yield break;
        }
        yield return t.IsGenericType ? t.GetGenericTypeDefinition() : t;
        if (t.IsGenericType)
            foreach (var a in t.GetGenericArguments())
                foreach (var e in Expand(a)) yield return e;
    }

    private static IEnumerable<Type> References(Type type)
    {
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        if (type.BaseType is not null) yield return type.BaseType;
        foreach (var i in type.GetInterfaces()) yield return i;
        foreach (var a in type.CustomAttributes) yield return a.AttributeType;
        foreach (var f in type.GetFields(all)) yield return f.FieldType;
        foreach (var p in type.GetProperties(all)) yield return p.PropertyType;
        foreach (var e in type.GetEvents(all)) if (e.EventHandlerType is not null) yield return e.EventHandlerType;
        foreach (var m in type.GetMethods(all).Cast<MethodBase>().Concat(type.GetConstructors(all)))
        {
            if (m is MethodInfo mi) yield return mi.ReturnType;
            foreach (var p in m.GetParameters()) yield return p.ParameterType;
            foreach (var t in BodyReferences(m)) yield return t;
        }
    }

    private static IEnumerable<Type> BodyReferences(MethodBase method)
    {
        byte[]? il;
        try
        {
            il = method.GetMethodBody()?.GetILAsByteArray();
        }
        catch (Exception e) when (e is InvalidOperationException or BadImageFormatException)
        {
            yield break;
        }
        if (il is null) yield break;
        var module = method.Module;
        var typeArgs = method.DeclaringType?.IsGenericType == true ? method.DeclaringType.GetGenericArguments() : null;
        var methodArgs = method.IsGenericMethod ? method.GetGenericArguments() : null;
        int i = 0;
        while (i < il.Length)
        {
            OpCode op = il[i] == 0xFE ? TwoByte[il[i + 1]] : OneByte[il[i]];
            i += op.Size;
            int size = OperandSize(op, il, i);
            if (op.OperandType is OperandType.InlineType or OperandType.InlineTok or OperandType.InlineMethod or OperandType.InlineField)
            {
                int token = BitConverter.ToInt32(il, i);
                MemberInfo? member = null;
                try
                {
                    member = module.ResolveMember(token, typeArgs, methodArgs);
                }
                catch (Exception e) when (e is ArgumentException or BadImageFormatException or TypeLoadException or MissingMemberException)
                {
                }
                if (member is Type t) yield return t;
                else if (member?.DeclaringType is { } d) yield return d;
                if (member is MethodInfo mi) yield return mi.ReturnType;
                if (member is FieldInfo fi) yield return fi.FieldType;
            }
            i += size;
        }
    }

    private static int OperandSize(OpCode op, byte[] il, int at) => op.OperandType switch
    {
        OperandType.InlineNone => 0,
        OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
        OperandType.InlineVar => 2,
        OperandType.InlineI8 or OperandType.InlineR => 8,
        OperandType.InlineSwitch => 4 + 4 * BitConverter.ToInt32(il, at),
        _ => 4,
    };

    /// <summary>The circles (strongly connected groups of more than one namespace).</summary>
    public static List<List<string>> Circles(Dictionary<string, Dictionary<string, string>> edges)
    {
        var index = new Dictionary<string, int>();
        var low = new Dictionary<string, int>();
        var stack = new Stack<string>();
        var on = new HashSet<string>();
        var circles = new List<List<string>>();
        int counter = 0;
        void Visit(string v)
        {
            index[v] = low[v] = counter++;
            stack.Push(v);
            on.Add(v);
            foreach (var w in edges.GetValueOrDefault(v)?.Keys ?? Enumerable.Empty<string>())
            {
                if (!index.ContainsKey(w))
                {
                    Visit(w);
                    low[v] = Math.Min(low[v], low[w]);
                }
                else if (on.Contains(w)) low[v] = Math.Min(low[v], index[w]);
            }
            if (low[v] != index[v]) return;
            var c = new List<string>();
            string x;
            do
            {
                x = stack.Pop();
                on.Remove(x);
                c.Add(x);
            } while (x != v);
            if (c.Count > 1) circles.Add(c);
        }
        foreach (var v in edges.Keys.ToList()) if (!index.ContainsKey(v)) Visit(v);
        return circles;
    }
}

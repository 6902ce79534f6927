using System.Reflection;
using Kernelwise.Layers;

namespace Kernelwise.Models;

/// <summary>
/// The types a model archive may name, by name: every public layer, loss, metric and optimizer of Kernelwise, plus the
/// ones a user registers with <see cref="ModelArchive.Register{T}"/>. Loading looks a name up here and nowhere else —
/// a type name read from a file never loads or instantiates a type by itself.
/// </summary>
internal static class ArchiveTypes
{
    private static readonly object Gate = new();
    private static readonly Dictionary<string, Type> ByName = new(StringComparer.Ordinal);
    private static readonly Dictionary<Type, string> ByType = new();

    static ArchiveTypes()
    {
        foreach (var t in typeof(Layer).Assembly.GetExportedTypes())
        {
            if (t.IsAbstract || t.IsGenericTypeDefinition || !IsArchivable(t)) continue;
            if (t == typeof(Branch) || t == typeof(Lambda)) continue; // a path is saved inside its composite; a Lambda holds code
            ByName[t.Name] = t;
            ByType[t] = t.Name;
        }
    }

    public static bool IsArchivable(Type t)
        => typeof(Layer).IsAssignableFrom(t) || typeof(Loss).IsAssignableFrom(t) || typeof(Metric).IsAssignableFrom(t) || typeof(Optimizer).IsAssignableFrom(t);

    public static void Register(Type type, string? name)
    {
        if (!IsArchivable(type) || type.IsAbstract)
            throw new ArgumentException($"Only concrete layers, losses, metrics and optimizers can be registered for model archives; received {type.FullName}.", nameof(type));
        name ??= type.Name;
        if (string.IsNullOrWhiteSpace(name)) throw new ArgumentException("Invalid value for argument name. Expected a non-empty name.", nameof(name));
        lock (Gate)
        {
            if (ByName.TryGetValue(name, out var existing) && existing != type)
                throw new ArgumentException($"The archive name '{name}' is already taken by {existing.FullName}; register {type.FullName} under another name, e.g. Register<{type.Name}>(\"{type.Namespace}.{type.Name}\").", nameof(name));
            if (ByType.TryGetValue(type, out var old) && old != name) ByName.Remove(old);
            ByName[name] = type;
            ByType[type] = name;
        }
    }

    public static string? NameOf(Type type)
    {
        lock (Gate) return ByType.GetValueOrDefault(type);
    }

    public static Type? Find(string name)
    {
        lock (Gate) return ByName.GetValueOrDefault(name);
    }

    public static IReadOnlyCollection<string> Names
    {
        get
        {
            lock (Gate) return ByName.Keys.OrderBy(n => n, StringComparer.Ordinal).ToArray();
        }
    }

    /// <summary>The constructor a configuration is saved from and rebuilt with: the public one whose every parameter has a same-named public property, the longest such.</summary>
    public static ConstructorInfo? ConfigConstructor(Type type)
        => type.GetConstructors(BindingFlags.Public | BindingFlags.Instance)
            .Where(c => c.GetParameters().All(p => ConfigProperty(type, p) is not null))
            .OrderByDescending(c => c.GetParameters().Length)
            .FirstOrDefault();

    /// <summary>The property holding a constructor parameter's value: same name in PascalCase (a layer's <c>name</c> is its assigned <see cref="Layer.Name"/>).</summary>
    public static PropertyInfo? ConfigProperty(Type type, ParameterInfo parameter)
    {
        string name = char.ToUpperInvariant(parameter.Name![0]) + parameter.Name[1..];
        return type.GetProperty(name, BindingFlags.Public | BindingFlags.Instance);
    }
}

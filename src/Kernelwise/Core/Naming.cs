using System.Text;

namespace Kernelwise;

/// <summary>Name conventions shared by layers, losses and metrics.</summary>
internal static class Naming
{
    /// <summary>Keras's snake case of a type name: <c>MaxPooling2D</c> → <c>max_pooling2d</c>, <c>CrossEntropy</c> → <c>cross_entropy</c>.</summary>
    public static string ToSnakeCase(string s)
    {
        var b = new StringBuilder();
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            if (char.IsUpper(c))
            {
                if (i > 0 && char.IsLower(s[i - 1])) b.Append('_');
                else if (i > 0 && i + 1 < s.Length && char.IsUpper(s[i - 1]) && char.IsLower(s[i + 1])) b.Append('_');
                b.Append(char.ToLowerInvariant(c));
            }
            else b.Append(c);
        }
        return b.ToString();
    }
}

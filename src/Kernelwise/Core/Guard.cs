using System.Runtime.CompilerServices;

namespace Kernelwise;

/// <summary>
/// Argument checks shared by every public constructor. Messages follow one pattern: the argument, the rule,
/// and the value received — <c>Invalid value for argument filters. Expected a strictly positive value. Received filters=0.</c>
/// </summary>
internal static class Guard
{
    public static int Positive(int value, [CallerArgumentExpression(nameof(value))] string? name = null)
    {
        if (value < 1)
            throw new ArgumentOutOfRangeException(name, value, $"Invalid value for argument {name}. Expected a strictly positive value. Received {name}={value}.");
        return value;
    }

    public static long Positive(long value, [CallerArgumentExpression(nameof(value))] string? name = null)
    {
        if (value < 1)
            throw new ArgumentOutOfRangeException(name, value, $"Invalid value for argument {name}. Expected a strictly positive value. Received {name}={value}.");
        return value;
    }

    public static double Positive(double value, [CallerArgumentExpression(nameof(value))] string? name = null)
    {
        if (!(value > 0) || double.IsInfinity(value))
            throw new ArgumentOutOfRangeException(name, value, $"Invalid value for argument {name}. Expected a strictly positive, finite value. Received {name}={value}.");
        return value;
    }

    public static int NonNegative(int value, [CallerArgumentExpression(nameof(value))] string? name = null)
    {
        if (value < 0)
            throw new ArgumentOutOfRangeException(name, value, $"Invalid value for argument {name}. Expected a value of 0 or more. Received {name}={value}.");
        return value;
    }

    public static double NonNegative(double value, [CallerArgumentExpression(nameof(value))] string? name = null)
    {
        if (!(value >= 0) || double.IsInfinity(value))
            throw new ArgumentOutOfRangeException(name, value, $"Invalid value for argument {name}. Expected a finite value of 0 or more. Received {name}={value}.");
        return value;
    }

    public static double InRange(double value, double min, double max, bool maxInclusive, [CallerArgumentExpression(nameof(value))] string? name = null)
    {
        bool ok = value >= min && (maxInclusive ? value <= max : value < max);
        if (!ok)
        {
            string range = $"[{min}, {max}{(maxInclusive ? "]" : ")")}";
            throw new ArgumentOutOfRangeException(name, value, $"Invalid value for argument {name}. Expected a value in {range}. Received {name}={value}.");
        }
        return value;
    }

    public static string NotEmpty(string? value, [CallerArgumentExpression(nameof(value))] string? name = null)
    {
        if (string.IsNullOrWhiteSpace(value))
            throw new ArgumentException($"Invalid value for argument {name}. Expected a non-empty string. Received {name}='{value}'.", name);
        return value;
    }
}

namespace Kernelwise.Data;

/// <summary>Kernelwise's per-user cache folders (datasets, pretrained weights), following each platform's convention.</summary>
internal static class UserCache
{
    /// <summary>
    /// The cache folder for <paramref name="kind"/>: on Windows <c>%LOCALAPPDATA%\Kernelwise\{kind}</c>; elsewhere
    /// <c>$XDG_CACHE_HOME/kernelwise/{kind}</c>, or <c>~/.cache/kernelwise/{kind}</c> when that variable is unset.
    /// </summary>
    public static string Folder(string kind, Func<string, string?>? environmentVariables = null)
    {
        var env = environmentVariables ?? Environment.GetEnvironmentVariable;
        if (OperatingSystem.IsWindows())
            return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "Kernelwise", kind);
        string? xdg = env("XDG_CACHE_HOME");
        if (!string.IsNullOrEmpty(xdg) && Path.IsPathRooted(xdg)) return Path.Combine(xdg, "kernelwise", kind);
        return Path.Combine(Home(env), ".cache", "kernelwise", kind);
    }

    /// <summary>The user's home folder: <c>$HOME</c>, else the platform's profile folder.</summary>
    public static string Home(Func<string, string?> env)
    {
        string? home = env("HOME");
        return string.IsNullOrEmpty(home) ? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile) : home;
    }
}

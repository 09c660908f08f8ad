using FoolingCluster.Tensors;

namespace FoolingCluster.Cli.Commands;

/// <summary>
/// The values of a comma-separated option (<c>--attacks fgsm,pgd</c>, <c>--norms l2,linf</c>,
/// <c>--models a,b</c>). An empty entry (<c>fgsm,,</c>, a leading or trailing comma) is refused
/// rather than dropped: it is usually a name that went missing, and dropping it would run
/// something other than what was asked.
/// </summary>
internal static class CommaList
{
    /// <summary>The entries of <paramref name="value"/>, trimmed, in order.</summary>
    /// <param name="option">The option's name, for the message (<c>--attacks</c>).</param>
    /// <param name="value">What the user gave.</param>
    /// <param name="allowed">What each entry may be, for the message (<c>fgsm, bim, pgd</c>, or <c>model files</c>).</param>
    /// <exception cref="InvalidInputException">An entry is empty.</exception>
    public static string[] Split(string option, string value, string allowed)
    {
        ArgumentNullException.ThrowIfNull(value);
        string[] entries = value.Split(',', StringSplitOptions.TrimEntries);
        if (entries.Any(e => e.Length == 0))
        {
            throw new InvalidInputException($"{option} '{value}' has an empty entry; give one or more of {allowed}, separated by single commas");
        }

        return entries;
    }
}

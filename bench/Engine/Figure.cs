using System.Globalization;

namespace FoolingCluster.Bench;

/// <summary>One measured figure: what, how much, in which unit.</summary>
public sealed record Figure(string Name, double Value, string Unit, string? Note = null)
{
    /// <summary>E.g. <c>lenet forward batch=256: 41,230 images/s</c>.</summary>
    public override string ToString() =>
        (Unit is "s" or "ms" or "%" ? string.Create(CultureInfo.InvariantCulture, $"{Name}: {Value:F2} {Unit}") : string.Create(CultureInfo.InvariantCulture, $"{Name}: {Value:N0} {Unit}")) + (Note is null ? "" : $" ({Note})");
}

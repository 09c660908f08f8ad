using System.CommandLine;
using FoolingCluster.Attacks;

namespace FoolingCluster.Cli.Commands;

/// <summary>The <c>--probes</c> option of the commands that attack a model, read and checked the same way by each.</summary>
internal static class GradientOptions
{
    public static Option<int> Probes() => new("--probes")
    {
        Description = $"estimate gradients from this many antithetic finite-difference probes instead of using the model's own (0: the model's own; ABS, which has none, then uses {AttackTargets.DefaultAbsProbes})",
        DefaultValueFactory = _ => 0,
    };

    /// <summary>The probe count given, checked.</summary>
    /// <exception cref="Tensors.InvalidInputException">Neither 0 nor an even number ≥ 2.</exception>
    public static int Read(ParseResult parse, Option<int> probes)
    {
        int count = parse.GetValue(probes);
        AttackTargets.CheckProbes("--probes", count);
        return count;
    }
}

using FoolingCluster.Attacks.Distances;
using FoolingCluster.Tensors;
using Xunit;

namespace FoolingCluster.Attacks.Tests;

/// <summary>The one check of a user's radius: (0,1] under L∞, (0,√(C·H·W)] under L2, (0,C·H·W] under L0.</summary>
public class RadiusTests
{
    public static TheoryData<string, float, bool> Radii() => new()
    {
        { "linf", 1f, true },
        { "linf", 0.3f, true },
        { "linf", 5f, false },
        { "linf", 0f, false },
        { "linf", -0.1f, false },
        { "linf", float.NaN, false },
        { "linf", float.PositiveInfinity, false },
        { "l2", 28f, true },
        { "l2", 28.01f, false },
        { "l0", 784f, true },
        { "l0", 785f, false },
    };

    [Theory]
    [MemberData(nameof(Radii))]
    public void Radii_of_mnist_images_are_checked_against_the_largest_distance_in_their_norm(string norm, float epsilon, bool accepted)
    {
        Distance distance = norm switch { "linf" => Distance.Linf, "l2" => Distance.L2, _ => Distance.L0 };
        if (accepted)
        {
            Radius.Check("--eps", epsilon, distance, 784);
            return;
        }

        var ex = Assert.Throws<InvalidInputException>(() => Radius.Check("--eps", epsilon, distance, 784));
        Assert.StartsWith("--eps must be in (0, ", ex.Message);
        Assert.Contains(distance.Name, ex.Message);
        Assert.Contains(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"(got {epsilon})"), ex.Message);
    }
}

using System.Globalization;
using FoolingCluster.Tensors;

namespace FoolingCluster.Attacks.Distances;

/// <summary>The one check of a radius ε a user gives for an attack or for adversarial training.</summary>
public static class Radius
{
    /// <summary>
    /// Refuses ε outside <c>(0, largest]</c>, where largest is the farthest two images in [0,1] can
    /// be apart in the norm: 1 under L∞, √(C·H·W) under L2, C·H·W under L0. A larger ε does not
    /// constrain the attack at all, which is never what was meant.
    /// </summary>
    /// <param name="option">The option or key ε came from (<c>--eps</c>), for the message.</param>
    /// <param name="epsilon">The radius.</param>
    /// <param name="distance">The norm of the ball.</param>
    /// <param name="values">Values per image, C·H·W.</param>
    /// <exception cref="InvalidInputException">ε is not a number in the range; the message names the option, the value and the range.</exception>
    public static void Check(string option, float epsilon, Distance distance, int values)
    {
        ArgumentNullException.ThrowIfNull(distance);
        double largest = distance.Largest(values);
        if (!(epsilon > 0 && epsilon <= largest))
        {
            CultureInfo inv = CultureInfo.InvariantCulture;
            throw new InvalidInputException(string.Create(inv, $"{option} must be in (0, {largest:0.###}] for an {distance.Name} radius, since {distance.WhyLargest(values)} (got {epsilon.ToString(inv)})"));
        }
    }
}

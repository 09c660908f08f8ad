using FoolingCluster.Tensors;

namespace FoolingCluster.Attacks;

/// <summary>The check every attack template makes of the images it is given.</summary>
internal static class AttackImages
{
    /// <summary>Checks that <paramref name="images"/> is <c>[N,C,H,W]</c> with N ≥ 1 and every value in [0,1], the model's bounds.</summary>
    /// <param name="images">The images.</param>
    /// <param name="what">What they are, for messages, e.g. "attack inputs".</param>
    /// <returns>N.</returns>
    /// <exception cref="ShapeMismatchException">The shape is not <c>[N,…]</c> with N ≥ 1.</exception>
    /// <exception cref="InvalidInputException">A value lies outside [0,1] or is NaN.</exception>
    public static int CheckBounded(Tensor images, string what)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.Rank < 2 || images.Shape[0] < 1)
        {
            throw new ShapeMismatchException($"{what} must be [N,C,H,W] with N ≥ 1; got {Tensor.ShapeString(images.Shape)}");
        }

        ReadOnlySpan<float> values = images.Span;
        int size = images.Size / images.Shape[0];
        for (int i = 0; i < values.Length; i++)
        {
            // Written so that NaN fails too.
            if (!(values[i] >= 0f && values[i] <= 1f))
            {
                throw new InvalidInputException($"{what} must lie in [0,1], the model's bounds; value {i % size} of image {i / size} is {values[i]}");
            }
        }

        return images.Shape[0];
    }
}

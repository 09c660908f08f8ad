using FoolingCluster.Tensors;

namespace FoolingCluster.Attacks;

/// <summary>
/// What a fixed-ε attack returns for K epsilons and N inputs (Foolbox's <c>raw, clipped, success</c>).
/// </summary>
/// <param name="Epsilons">The K radii, in the order they were given.</param>
/// <param name="Raw">K tensors <c>[N,C,H,W]</c>: the attack's own output for each ε.</param>
/// <param name="Clipped">K tensors <c>[N,C,H,W]</c>: the raw output projected onto the ε-ball around the input and onto [0,1].</param>
/// <param name="Success"><c>[K,N]</c>: whether the clipped sample meets the criterion.</param>
/// <remarks>The tensors belong to no <see cref="TensorScope"/>; they live as long as the result.</remarks>
public sealed record AttackResult(float[] Epsilons, Tensor[] Raw, Tensor[] Clipped, bool[,] Success)
{
    /// <summary>Number of inputs N.</summary>
    public int Count => Success.GetLength(1);

    /// <summary>Fraction of the inputs whose clipped adversarial meets the criterion at ε number <paramref name="k"/>.</summary>
    public double SuccessRate(int k)
    {
        int n = Count;
        int hits = 0;
        for (int i = 0; i < n; i++)
        {
            if (Success[k, i])
            {
                hits++;
            }
        }

        return n == 0 ? 0 : (double)hits / n;
    }
}

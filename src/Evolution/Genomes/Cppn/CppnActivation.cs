namespace FoolingCluster.Evolution.Genomes.Cppn;

/// <summary>The activation functions a CPPN node can carry (Nguyen et al. 2015 §2.2).</summary>
public enum CppnActivation : byte
{
    /// <summary>sin(x).</summary>
    Sine = 0,

    /// <summary>2 / (1 + e^(−x)) − 1, in (−1, 1).</summary>
    BipolarSigmoid = 1,

    /// <summary>e^(−x²), in (0, 1].</summary>
    Gaussian = 2,

    /// <summary>clamp(x, −3, 3) / 3, in [−1, 1].</summary>
    Linear = 3,
}

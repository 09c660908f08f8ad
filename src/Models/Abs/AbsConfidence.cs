using System.Numerics.Tensors;

namespace FoolingCluster.Models.Abs;

/// <summary>
/// ABS's calibrated class probabilities (Schott et al. 2019, §3):
/// <c>p(k) = (e^(α·lₖ) + η) / (Σⱼ e^(α·lⱼ) + K·η)</c> for logits l = −ELBO. The offset η bounds
/// every probability away from 0 and 1, so ABS cannot be certain of anything.
/// </summary>
public static class AbsConfidence
{
    /// <summary>
    /// Logits whose ordinary softmax is the calibrated probability:
    /// <c>log(1 + e^(α·lₖ)/η)</c>, which is <c>log(e^(α·lₖ) + η)</c> less the same <c>log η</c> for
    /// every class, so <c>softmax = (e^(α·l) + η) / Σ(e^(α·l) + η)</c>. Subtracting <c>log η</c>
    /// matters: when every class explains an image poorly, <c>log(e^(α·l) + η)</c> rounds to
    /// <c>log η</c> for all classes in float and the arg-max is lost, while the shifted value
    /// stays a distinct tiny positive number down to e^(α·l)/η ≈ 1e-38. With η = 0 it is α·l.
    /// </summary>
    /// <param name="logits"><c>[N,K]</c>, −ELBO.</param>
    /// <param name="alpha">α, 440 in the paper.</param>
    /// <param name="eta">η, 3.9e-5 in the paper.</param>
    /// <param name="calibrated">Receives <c>[N,K]</c>.</param>
    public static void CalibratedLogits(ReadOnlySpan<float> logits, float alpha, double eta, Span<float> calibrated)
    {
        if (eta <= 0)
        {
            TensorPrimitives.Multiply(logits, alpha, calibrated);
            return;
        }

        double logEta = Math.Log(eta);
        for (int i = 0; i < logits.Length; i++)
        {
            // log(1 + eᵗ): ≈ t for large t (no overflow), ≈ eᵗ for very negative t (where 1 + eᵗ
            // rounds to 1 in double and the logarithm would lose it).
            double t = ((double)alpha * logits[i]) - logEta;
            calibrated[i] = (float)(t > 30 ? t + Math.Exp(-t) : t < -30 ? Math.Exp(t) : Math.Log(1 + Math.Exp(t)));
        }
    }

    /// <summary>The calibrated probabilities of <c>[N,K]</c> logits, each row summing to 1.</summary>
    public static float[] Probabilities(ReadOnlySpan<float> logits, int classes, float alpha, double eta)
    {
        var result = new float[logits.Length];
        for (int row = 0; row < logits.Length / classes; row++)
        {
            ReadOnlySpan<float> l = logits.Slice(row * classes, classes);
            double max = double.NegativeInfinity;
            foreach (float v in l)
            {
                max = Math.Max(max, (double)alpha * v);
            }

            // Numerator and denominator both scaled by e^(−max) so nothing overflows.
            double scaledEta = eta * Math.Exp(-max);
            double sum = classes * scaledEta;
            for (int k = 0; k < classes; k++)
            {
                sum += Math.Exp(((double)alpha * l[k]) - max);
            }

            for (int k = 0; k < classes; k++)
            {
                result[(row * classes) + k] = (float)((Math.Exp(((double)alpha * l[k]) - max) + scaledEta) / sum);
            }
        }

        return result;
    }
}

namespace FoolingCluster.Attacks.Decision;

/// <summary>
/// One Boundary-attack proposal for one sample (Foolbox's <c>draw_proposals</c>), in double
/// where lengths are compared.
/// </summary>
internal sealed class BoundaryProposal(int size, NoiseSource random)
{
    private readonly float[] _eta = new float[size];
    private readonly double[] _direction = new double[size];

    /// <summary>Writes the spherical candidate and the candidate after the source step.</summary>
    /// <param name="x0">The input.</param>
    /// <param name="current">The current adversarial, at distance d from the input.</param>
    /// <param name="spherical">Orthogonal step relative to d.</param>
    /// <param name="source">Step towards the input relative to d.</param>
    /// <param name="candidate">Receives the candidate, clamped to [0,1].</param>
    /// <param name="sphericalCandidate">Receives the point after the orthogonal step alone, clamped to [0,1].</param>
    /// <returns>d = ‖x0 − current‖₂.</returns>
    public double Draw(ReadOnlySpan<float> x0, ReadOnlySpan<float> current, double spherical, double source, Span<float> candidate, Span<float> sphericalCandidate)
    {
        // δ = current − x0, the way back to the input reversed.
        double sourceNorm2 = 0;
        for (int j = 0; j < size; j++)
        {
            _direction[j] = (double)current[j] - x0[j];
            sourceNorm2 += _direction[j] * _direction[j];
        }

        double sourceNorm = Math.Sqrt(sourceNorm2);

        // η: Gaussian, made orthogonal to δ, scaled to spherical · d.
        random.FillGaussian(_eta);
        double dot = 0;
        for (int j = 0; j < size; j++)
        {
            dot += _eta[j] * _direction[j];
        }

        double along = dot / sourceNorm2;
        double etaNorm2 = 0;
        for (int j = 0; j < size; j++)
        {
            double e = _eta[j] - (along * _direction[j]);
            _eta[j] = (float)e;
            etaNorm2 += e * e;
        }

        double etaScale = spherical * sourceNorm / Math.Max(Math.Sqrt(etaNorm2), 1e-12);

        // x0 + (δ + η)/√(1 + s²) lies on the sphere of radius d around x0 (Pythagoras).
        double shrink = 1 / Math.Sqrt((spherical * spherical) + 1);
        double newNorm2 = 0;
        for (int j = 0; j < size; j++)
        {
            double v = x0[j] + ((_direction[j] + (etaScale * _eta[j])) * shrink);
            float clamped = (float)Math.Clamp(v, 0.0, 1.0);
            sphericalCandidate[j] = clamped;
            double back = (double)x0[j] - clamped;
            newNorm2 += back * back;
        }

        // The source step of length source · d towards x0, corrected for how far clamping moved the point off the sphere.
        double newNorm = Math.Sqrt(newNorm2);
        double length = Math.Max((source * sourceNorm) + newNorm - sourceNorm, 0);
        double fraction = newNorm > 0 ? length / newNorm : 0;
        for (int j = 0; j < size; j++)
        {
            double v = sphericalCandidate[j] + (fraction * ((double)x0[j] - sphericalCandidate[j]));
            candidate[j] = (float)Math.Clamp(v, 0.0, 1.0);
        }

        return sourceNorm;
    }
}

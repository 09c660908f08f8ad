using FoolingCluster.Attacks;
using FoolingCluster.Attacks.Criteria;
using FoolingCluster.Attacks.Distances;
using FoolingCluster.Attacks.Robustness;
using FoolingCluster.Coordinator.Sharding;
using FoolingCluster.Protocol;
using FoolingCluster.Protocol.Messages;
using FoolingCluster.Tensors;

namespace FoolingCluster.Coordinator.Robustness;

/// <summary>
/// Checks a worker's robustness slice before it counts: the shape of every field, and then, with
/// the coordinator's own model, that each closest adversarial is misclassified and lies at the
/// distance claimed. Clean predictions are recomputed here, not taken from the worker.
/// </summary>
/// <remarks>
/// What cannot be checked is a claim that an attack found nothing (+∞): a worker could hide
/// adversarials and make the model look more robust. Such a claim is at least held to its
/// evidence (the image itself comes back unchanged), and each attack's own distances must not
/// undercut the verified smallest one.
/// </remarks>
public static class RobustnessResultCheck
{
    /// <summary>Relative tolerance between a claimed distance and the one recomputed from the image (float32 rounding).</summary>
    public const double DistanceTolerance = 1e-4;

    /// <summary>Checks one slice's result and turns it into a <see cref="RobustnessResult"/>.</summary>
    /// <param name="message">The worker's result.</param>
    /// <param name="plan">The plan the slice was sent with.</param>
    /// <param name="images">The slice's images, <c>[n,C,H,W]</c>, as sent.</param>
    /// <param name="labels">The slice's n labels.</param>
    /// <param name="referee">The coordinator's own copy of the model.</param>
    /// <exception cref="RefusedResultException">Any field is malformed or any claim fails.</exception>
    public static RobustnessResult Check(RobustnessResultMessage message, RobustnessPlan plan, Tensor images, int[] labels, IAttackModel referee)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(referee);
        int n = labels.Length;
        int size = images.Size / n;
        if (message.Norms.Count != plan.Norms.Count)
        {
            throw Refuse(message, $"reports {message.Norms.Count} norms; the plan has {plan.Norms.Count}");
        }

        using TensorScope scope = TensorScope.Begin();
        referee = plan.Attacked(referee);
        var criterion = new Misclassification(labels);
        bool[] cleanCorrect = criterion.IsAdversarial(referee.Logits(images)).Select(wrong => !wrong).ToArray();
        var norms = new List<NormRobustness>();
        for (int k = 0; k < plan.Norms.Count; k++)
        {
            NormPlan expected = plan.Norms[k];
            NormRobustnessMessage reported = message.Norms[k];
            if (reported.Norm != expected.Norm || !reported.Attacks.Select(a => a.Attack).SequenceEqual(expected.Attacks))
            {
                throw Refuse(message, $"norm {k} reports {reported.Norm} with {string.Join(", ", reported.Attacks.Select(a => a.Attack))}; the plan has {expected.Norm} with {string.Join(", ", expected.Attacks)}");
            }

            var attacks = new List<AttackDistances>();
            foreach (AttackDistancesMessage attack in reported.Attacks)
            {
                if (attack.Distances.Count != n || attack.Distances.Any(d => double.IsNaN(d) || d < 0 || double.IsNegativeInfinity(d)))
                {
                    throw Refuse(message, $"{expected.Norm} {attack.Attack}: {attack.Distances.Count} distances for {n} images, or one NaN or negative");
                }

                attacks.Add(new AttackDistances(attack.Attack, attack.Description, [.. attack.Distances], double.IsFinite(attack.Seconds) && attack.Seconds >= 0 ? attack.Seconds : 0));
            }

            float[] adversarials = FloatBytes.ToArray(reported.Adversarials, n * size)
                ?? throw Refuse(message, $"{expected.Norm}: {reported.Adversarials.Length} bytes of adversarials for {n} images of {size} values");
            if (adversarials.Any(v => !(v >= 0f && v <= 1f)))
            {
                throw Refuse(message, $"{expected.Norm}: an adversarial value lies outside [0,1] or is NaN");
            }

            norms.Add(Verify(message, expected.Norm, attacks, adversarials, images, labels, referee));
        }

        return new RobustnessResult([.. labels], cleanCorrect, size, norms);
    }

    private static NormRobustness Verify(RobustnessResultMessage message, string norm, List<AttackDistances> attacks, float[] adversarials, Tensor images, int[] labels, IAttackModel referee)
    {
        int n = labels.Length;
        int size = adversarials.Length / n;
        Distance distance = norm switch { "l0" => Distance.L0, "l2" => Distance.L2, _ => Distance.Linf };
        int[] predicted = Criterion.Predictions(referee.Logits(Tensor.Wrap(adversarials, images.Shape)));
        double[] smallest = new double[n];
        int[] best = new int[n];
        float[] delta = new float[size];
        ReadOnlySpan<float> x0 = images.Span;
        for (int i = 0; i < n; i++)
        {
            best[i] = -1;
            smallest[i] = double.PositiveInfinity;
            for (int a = 0; a < attacks.Count; a++)
            {
                if (attacks[a].Distances[i] < smallest[i])
                {
                    smallest[i] = attacks[a].Distances[i];
                    best[i] = a;
                }
            }

            System.Numerics.Tensors.TensorPrimitives.Subtract(adversarials.AsSpan(i * size, size), x0.Slice(i * size, size), delta);
            double measured = distance.Norm(delta);
            if (double.IsPositiveInfinity(smallest[i]))
            {
                if (measured != 0)
                {
                    throw Refuse(message, $"{norm}: image {i} has no adversarial, but the image sent back differs from it");
                }

                continue;
            }

            if (predicted[i] == labels[i])
            {
                throw Refuse(message, $"{norm}: the adversarial of image {i} is classified as its label {labels[i]}");
            }

            if (Math.Abs(measured - smallest[i]) > DistanceTolerance * Math.Max(1, smallest[i]))
            {
                throw Refuse(message, $"{norm}: image {i}'s adversarial lies at {measured:G6}, not the {smallest[i]:G6} claimed");
            }
        }

        return new NormRobustness(norm, attacks, smallest, best, adversarials);
    }

    private static RefusedResultException Refuse(RobustnessResultMessage message, string reason) =>
        new($"robustness result of job {message.JobId} from worker '{message.WorkerId}' refused: {reason}");
}

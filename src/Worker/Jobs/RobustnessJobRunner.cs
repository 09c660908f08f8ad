using FoolingCluster.Attacks;
using FoolingCluster.Attacks.Robustness;
using FoolingCluster.Evolution.Evaluation;
using FoolingCluster.Evolution.Genomes;
using FoolingCluster.Models.Checkpoints;
using FoolingCluster.Protocol;
using FoolingCluster.Protocol.Messages;
using FoolingCluster.Tensors;
using FoolingCluster.Tensors.NN;

namespace FoolingCluster.Worker.Jobs;

/// <summary>
/// Runs slices of a robustness evaluation against one model: every attack of the plan on the
/// job's images, reporting each attack's distances and each image's closest adversarial per norm.
/// </summary>
internal sealed class RobustnessJobRunner
{
    /// <summary>Most images one job may carry.</summary>
    public const int MaxImages = 10_000;

    private readonly Module _model;
    private readonly ImageShape _shape;
    private readonly int _classes;

    private RobustnessJobRunner(Module model, ImageShape shape, int classes)
    {
        _model = model;
        _shape = shape;
        _classes = classes;
    }

    /// <summary>Opens the model at <paramref name="modelPath"/>, checking it reads the run's images.</summary>
    /// <exception cref="InvalidJobException">The model's input shape or classes differ from the run's.</exception>
    public static RobustnessJobRunner Load(RunSpecMessage spec, string modelPath, Action<string>? log)
    {
        (LoadedModel loaded, ModuleClassifier classifier) = JobModel.Load(spec, modelPath, log);
        var shape = new ImageShape(spec.Channels, spec.Height, spec.Width);
        if (classifier.InputShape != shape || classifier.Classes != spec.Classes)
        {
            throw new InvalidJobException($"run {spec.RunId} attacks {shape} images of {spec.Classes} classes; its model reads {classifier.InputShape} with {classifier.Classes} classes");
        }

        return new RobustnessJobRunner(loaded.Model, shape, spec.Classes);
    }

    /// <summary>Attacks the job's images.</summary>
    /// <exception cref="InvalidInputException">The images, labels or plan are malformed (an <see cref="InvalidJobException"/> for counts and sizes).</exception>
    public RobustnessResultMessage Run(JobMessage job, string workerId)
    {
        RobustnessJobMessage slice = job.Robustness;
        int n = slice.Labels.Count;
        if (n < 1 || n > MaxImages)
        {
            throw new InvalidJobException($"robustness job {job.JobId} carries {n} images (1 to {MaxImages})");
        }

        int size = _shape.Channels * _shape.Height * _shape.Width;
        float[] images = FloatBytes.ToArray(slice.Images, n * size)
            ?? throw new InvalidJobException($"robustness job {job.JobId} carries {slice.Images.Length} bytes of images; {n} images of {_shape} need {n * size * sizeof(float)}");
        int[] labels = [.. slice.Labels];
        if (labels.Any(l => l < 0 || l >= _classes))
        {
            throw new InvalidJobException($"robustness job {job.JobId} has a label outside [0, {_classes})");
        }

        RobustnessPlan plan = RobustnessPlan.FromJson(slice.PlanJson);
        RobustnessResult result = new RobustnessEvaluation(plan).Run(plan.Target(_model), Tensor.Wrap(images, n, _shape.Channels, _shape.Height, _shape.Width), labels);
        var message = new RobustnessResultMessage { RunId = job.Run.RunId, JobId = job.JobId, WorkerId = workerId };
        foreach (NormRobustness norm in result.Norms)
        {
            var normMessage = new NormRobustnessMessage { Norm = norm.Norm, Adversarials = FloatBytes.From(norm.Adversarials) };
            foreach (AttackDistances attack in norm.Attacks)
            {
                var attackMessage = new AttackDistancesMessage { Attack = attack.Attack, Description = attack.Description, Seconds = attack.Seconds };
                attackMessage.Distances.AddRange(attack.Distances);
                normMessage.Attacks.Add(attackMessage);
            }

            message.Norms.Add(normMessage);
        }

        return message;
    }
}

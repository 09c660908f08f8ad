using FoolingCluster.Evolution.Encodings;
using FoolingCluster.Evolution.Evaluation;
using FoolingCluster.Evolution.Scheduling;
using FoolingCluster.Protocol.Messages;
using FoolingCluster.Runs;
using FoolingCluster.Runs.Codecs;
using Google.Protobuf;

namespace FoolingCluster.Worker.Jobs;

/// <summary>Runs jobs of one run: breed (or create) the children, draw and classify them, report what matters.</summary>
internal interface IJobRunner
{
    /// <summary>Executes <paramref name="job"/>.</summary>
    /// <exception cref="InvalidJobException">The job does not fit its run (counts, genomes).</exception>
    ResultMessage Run(JobMessage job, string workerId);
}

/// <summary>The job runner of an encoding.</summary>
/// <typeparam name="TGenome">Genome type.</typeparam>
internal sealed class JobRunner<TGenome>(IEncoding<TGenome> encoding, Evaluator<TGenome> evaluator) : IJobRunner
{
    /// <summary>Most children one job may ask for.</summary>
    public const int MaxChildren = 100_000;

    public ResultMessage Run(JobMessage job, string workerId)
    {
        int classes = evaluator.Classifier.Classes;
        if (job.Children < 1 || job.Children > MaxChildren)
        {
            throw new InvalidJobException($"job {job.JobId} asks for {job.Children} children (1 to {MaxChildren})");
        }

        if (job.EliteFitness.Count != classes)
        {
            throw new InvalidJobException($"job {job.JobId} carries {job.EliteFitness.Count} elite confidences for {classes} classes");
        }

        if (job.Generation < 0 || (job.Generation > 0 && job.Parents.Count != job.Children))
        {
            throw new InvalidJobException($"job {job.JobId} of generation {job.Generation} has {job.Parents.Count} parents for {job.Children} children");
        }

        if (job.FirstChild < 0 || job.FirstChild > MaxChildren || (job.Generation > 0 && job.FirstChild % 2 != 0))
        {
            throw new InvalidJobException($"job {job.JobId} of generation {job.Generation} starts at child {job.FirstChild} (0 to {MaxChildren}, even after generation 0)");
        }

        List<TGenome> parents;
        try
        {
            parents = job.Parents.Select(encoding.FromMessage).ToList();
        }
        catch (Evolution.Genomes.InvalidGenomeException ex)
        {
            throw new InvalidJobException($"job {job.JobId}: a parent is not a valid genome ({ex.Message})");
        }

        IReadOnlyList<TGenome> children = JobBreeder.Breed(parents, job.Children, job.Seed, job.Generation, job.FirstChild, encoding.Variation);
        EvaluatedBatch batch = evaluator.Evaluate(children);
        var result = new ResultMessage
        {
            RunId = job.Run.RunId,
            JobId = job.JobId,
            WorkerId = workerId,
            Evaluations = batch.Count,
            RenderSeconds = batch.RenderSeconds,
            ClassifySeconds = batch.ClassifySeconds,
        };
        for (int i = 0; i < batch.Count; i++)
        {
            ReadOnlySpan<float> p = batch.Probabilities.AsSpan(i * classes, classes);
            bool improves = false;
            for (int c = 0; c < classes && !improves; c++)
            {
                improves = p[c] > job.EliteFitness[c];
            }

            if (improves)
            {
                var child = new ChildMessage { Index = i, Genome = encoding.ToMessage(children[i]) };
                child.Probabilities.AddRange(p.ToArray());
                result.Improving.Add(child);
            }
        }

        foreach (FoundImage found in FoundImages.Above(batch.Images, batch.Probabilities, batch.Count, encoding.Shape, classes, job.RecordThreshold, job.Generation))
        {
            result.Found.Add(new FoundImageMessage { Label = found.Label, Confidence = found.Confidence, Pixels = ByteString.CopyFrom(found.Pixels) });
        }

        return result;
    }
}

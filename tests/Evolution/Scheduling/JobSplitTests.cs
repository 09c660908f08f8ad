using FoolingCluster.Evolution.Archive;
using FoolingCluster.Evolution.Encodings;
using FoolingCluster.Evolution.Evaluation;
using FoolingCluster.Evolution.Genomes;
using FoolingCluster.Evolution.Genomes.Cppn;
using FoolingCluster.Evolution.Genomes.Direct;
using FoolingCluster.Evolution.Randomness;
using FoolingCluster.Evolution.Scheduling;
using FoolingCluster.Evolution.Tests.Support;
using FoolingCluster.Runs.Codecs;
using FoolingCluster.Tensors;
using Xunit;

namespace FoolingCluster.Evolution.Tests.Scheduling;

/// <summary>How a generation is split into jobs changes where its children are bred, never which children they are.</summary>
public class JobSplitTests
{
    private static readonly ImageShape s_shape = new(1, 6, 6);

    [Theory]
    [InlineData(400, 50)]
    [InlineData(400, 16)]
    [InlineData(400, 133)]
    [InlineData(400, 399)]
    [InlineData(400, 1000)]
    [InlineData(200, 67)]
    [InlineData(81, 16)]
    [InlineData(7, 1)]
    [InlineData(1, 5)]
    public void A_generation_splits_into_the_fewest_even_jobs_of_nearly_equal_size(int total, int jobSize)
    {
        (int Start, int Children)[] jobs = [.. Scheduler<int>.Split(total, jobSize)];

        int most = jobSize + (jobSize % 2);
        Assert.Equal((total + most - 1) / most, jobs.Length);
        Assert.Equal(0, jobs[0].Start);
        for (int j = 0; j < jobs.Length; j++)
        {
            Assert.True(jobs[j].Start % 2 == 0, $"job {j} starts at child {jobs[j].Start}");
            Assert.InRange(jobs[j].Children, 1, most);
            if (j > 0)
            {
                Assert.Equal(jobs[j - 1].Start + jobs[j - 1].Children, jobs[j].Start);
            }
        }

        Assert.Equal(total, jobs.Sum(j => j.Children));
        // Whole pairs differ by at most one between jobs; an odd total leaves the last child alone.
        Assert.True(jobs.Max(j => j.Children) - jobs.Min(j => j.Children) <= 2 + (total % 2), string.Join(", ", jobs.Select(j => j.Children)));
    }

    [Fact]
    public void A_job_breeds_exactly_its_share_of_the_children_bred_as_one_job()
    {
        var encoding = new DirectEncoding(s_shape, new DirectSettings { MutationRate = 0.3 });
        var random = new DeterministicRandom(3);
        DirectGenome[] parents = [.. Enumerable.Range(0, 40).Select(_ => encoding.Variation.CreateRandom(random))];
        const ulong Seed = 0xC0FFEE;

        foreach (int generation in new[] { 0, 5 })
        {
            IReadOnlyList<DirectGenome> whole = JobBreeder.Breed(generation == 0 ? [] : parents, 40, Seed, generation, 0, encoding.Variation);
            List<DirectGenome> pieces = [];
            foreach ((int start, int count) in new[] { (0, 12), (12, 14), (26, 14) })
            {
                pieces.AddRange(JobBreeder.Breed(generation == 0 ? [] : parents[start..(start + count)], count, Seed, generation, start, encoding.Variation));
            }

            Assert.Equal(whole.Select(g => encoding.ToMessage(g)), pieces.Select(g => encoding.ToMessage(g)));
        }

        // Another seed breeds other children; an odd start would split a pair of parents.
        Assert.NotEqual(
            JobBreeder.Breed(parents, 40, Seed, 5, 0, encoding.Variation).Select(g => encoding.ToMessage(g)),
            JobBreeder.Breed(parents, 40, Seed + 1, 5, 0, encoding.Variation).Select(g => encoding.ToMessage(g)));
        Assert.Throws<ArgumentException>(() => JobBreeder.Breed(parents[1..], 39, Seed, 5, 1, encoding.Variation));
    }

    [Fact]
    public void A_run_has_the_same_archive_for_any_job_size()
    {
        var encoding = new CppnEncoding(s_shape, new CppnSettings());

        Scheduler<CppnGenome> whole = Evolve(encoding, jobSize: 1000);
        foreach (int jobSize in new[] { 2, 10, 33 })
        {
            Scheduler<CppnGenome> split = Evolve(encoding, jobSize);
            SchedulerTests.AssertSameArchive(encoding, whole.Archive, split.Archive);
            Assert.Equal(whole.Random.State, split.Random.State);
        }
    }

    /// <summary>Fifteen generations, each split into jobs of <paramref name="jobSize"/> bred and evaluated one by one, as workers would.</summary>
    private static Scheduler<TGenome> Evolve<TGenome>(IEncoding<TGenome> encoding, int jobSize)
    {
        var evaluator = new Evaluator<TGenome>(encoding.Decoder, new MeanClassifier(encoding.Shape, 4));
        var scheduler = new Scheduler<TGenome>(new EliteArchive<TGenome>(4), encoding.Variation, 30, 40, new DeterministicRandom(9));
        for (int generation = 0; generation < 15; generation++)
        {
            IReadOnlyList<JobPlan<TGenome>> jobs = scheduler.AskJobs(jobSize);
            var outcomes = new List<JobOutcome<TGenome>>();
            foreach (JobPlan<TGenome> job in jobs)
            {
                IReadOnlyList<TGenome> children = JobBreeder.Breed(job.Parents, job.Children, job.Seed, job.Generation, job.FirstChild, encoding.Variation);
                EvaluatedBatch batch = evaluator.Evaluate(children);
                outcomes.Add(new JobOutcome<TGenome>([.. Enumerable.Range(0, children.Count)], children, batch.Probabilities, children.Count));
            }

            scheduler.TellJobs(jobs, outcomes);
        }

        return scheduler;
    }
}

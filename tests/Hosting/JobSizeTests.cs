using FoolingCluster.Protocol;
using FoolingCluster.Protocol.Messages;
using Xunit;

namespace FoolingCluster.Hosting.Tests;

/// <summary>Jobs of large genomes are cut so that a job, and its result, stay within the message limit.</summary>
public sealed class JobSizeTests
{
    [Fact]
    public void A_job_of_imagenet_direct_parents_fits_the_message_limit()
    {
        const int Floats = 3 * 224 * 224;
        int children = MessageLimits.ChildrenPerJob((4L * Floats) + 64);
        Assert.Equal(12, children);

        var job = new JobMessage { JobId = 1, Children = children, Run = new RunSpecMessage { RunId = "run", Encoding = "direct", Channels = 3, Height = 224, Width = 224, Classes = 1000 } };
        job.EliteFitness.AddRange(new float[1000]);
        var result = new ResultMessage { RunId = "run", JobId = 1, Evaluations = children };
        for (int i = 0; i < children; i++)
        {
            var genome = new DirectGenomeMessage { Channels = 3, Height = 224, Width = 224 };
            genome.Genes.AddRange(Enumerable.Repeat(0.123f, Floats));
            job.Parents.Add(new GenomeMessage { Direct = genome });
            var child = new ChildMessage { Index = i, Genome = new GenomeMessage { Direct = genome } };
            child.Probabilities.AddRange(new float[1000]);
            result.Improving.Add(child);
            result.Found.Add(new FoundImageMessage { Label = i, Confidence = 1f, Pixels = Google.Protobuf.ByteString.CopyFrom(new byte[Floats]) });
        }

        Assert.True(job.CalculateSize() <= MessageLimits.MaxMessageBytes, $"job of {job.CalculateSize():N0} bytes");
        Assert.True(new WorkerMessage { Result = result }.CalculateSize() <= MessageLimits.MaxMessageBytes, "result too large");
    }

    [Theory]
    [InlineData(1, 100_000)]
    [InlineData(3200, 2620)]
    [InlineData(20_000_000, 2)]
    public void Children_per_job_are_even_and_at_least_two(long genomeBytes, int expected) =>
        Assert.Equal(expected, MessageLimits.ChildrenPerJob(genomeBytes));
}

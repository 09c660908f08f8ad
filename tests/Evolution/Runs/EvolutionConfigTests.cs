using FoolingCluster.Models.Configuration;
using FoolingCluster.Runs;
using FoolingCluster.Tensors;
using Xunit;

namespace FoolingCluster.Evolution.Tests.Runs;

/// <summary>
/// A search configuration's numbers are checked in one place, and a value out of range is refused
/// with the file and the key named, as bad input (exit code 2 on the command line).
/// </summary>
public class EvolutionConfigTests
{
    private const string File = "search.json";

    [Theory]
    [InlineData("""{ "recordThreshold": 1.5 }""", "recordThreshold must be in (0,1]")]
    [InlineData("""{ "recordThreshold": 0 }""", "recordThreshold must be in (0,1]")]
    [InlineData("""{ "recordThreshold": -0.5 }""", "recordThreshold must be in (0,1]")]
    [InlineData("""{ "generations": -1 }""", "generations")]
    [InlineData("""{ "initialPopulation": 0 }""", "initialPopulation")]
    [InlineData("""{ "batchSize": 0 }""", "batchSize")]
    [InlineData("""{ "jobSize": -1 }""", "jobSize")]
    [InlineData("""{ "snapshotEvery": 0 }""", "snapshotEvery")]
    [InlineData("""{ "direct": { "mutationRate": 1.5 } }""", "direct.mutationRate")]
    [InlineData("""{ "direct": { "crossoverRate": -0.1 } }""", "direct.crossoverRate")]
    [InlineData("""{ "direct": { "mutationHalvingGenerations": 0 } }""", "direct.mutationHalvingGenerations")]
    [InlineData("""{ "direct": { "mutationEta": 0 } }""", "direct.mutationEta must be a finite number > 0 (got 0)")]
    [InlineData("""{ "direct": { "crossoverEta": -1 } }""", "direct.crossoverEta must be a finite number > 0 (got -1)")]
    [InlineData("""{ "cppn": { "addNodeRate": 1.01 } }""", "cppn.addNodeRate")]
    [InlineData("""{ "cppn": { "weightMutationRate": -0.2 } }""", "cppn.weightMutationRate")]
    [InlineData("""{ "cppn": { "weightEta": 0 } }""", "cppn.weightEta")]
    [InlineData("""{ "cppn": { "weightRange": 0 } }""", "cppn.weightRange")]
    public void A_value_out_of_range_is_refused_naming_the_file_and_the_key(string json, string expected)
    {
        EvolutionConfig config = StrictJson.Parse<EvolutionConfig>(json, File);
        var ex = Assert.Throws<ConfigException>(() => config.Validate(File));
        Assert.IsAssignableFrom<InvalidInputException>(ex);
        Assert.StartsWith($"{File}: ", ex.Message);
        Assert.Contains(expected, ex.Message);
    }

    [Theory]
    [InlineData("""{ "recordThreshold": 1 }""")]
    [InlineData("""{ "recordThreshold": 0.5, "generations": 0, "jobSize": 0 }""")]
    [InlineData("""{ "direct": { "mutationRate": 0, "crossoverRate": 1 } }""")]
    public void Values_at_the_ends_of_their_ranges_are_accepted(string json)
    {
        StrictJson.Parse<EvolutionConfig>(json, File).Validate(File);
    }
}

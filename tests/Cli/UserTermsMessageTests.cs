using System.Text.RegularExpressions;
using FoolingCluster.Models.Architectures;
using FoolingCluster.Models.Checkpoints;
using FoolingCluster.Models.Training;
using FoolingCluster.Tests.Shared;
using Xunit;

namespace FoolingCluster.Cli.Tests;

/// <summary>Refusals speak of the user's model, option and attack, never of the program's own types.</summary>
public partial class UserTermsMessageTests
{
    /// <summary>A C# type name: two or more capitalised words run together (ModuleLogitGradientModel, ClassVae).</summary>
    [GeneratedRegex(@"\b[A-Z][a-z]+(?:[A-Z][a-z]+)+\b")]
    private static partial Regex TypeName();

    [Fact]
    public void Latent_descent_on_a_network_is_refused_without_naming_a_type()
    {
        using var scratch = new TempDirectory();
        string lenet = scratch.File("lenet.safetensors");
        ModelCheckpoint.Save(new LeNet(1), lenet, new TrainingConfig(), null);
        (int exit, _, string err) = CliHarness.Run(
            "attack", "--model", lenet, "--attack", "latent-descent", "--n", "1", "--data", CliHarness.Mnist, "--out", scratch.File("out"));

        Assert.Equal(2, exit);
        Assert.Contains("ABS models only", err);
        Assert.DoesNotMatch(TypeName(), err);
    }
}

using FoolingCluster.Evolution.Genomes.Cppn;
using FoolingCluster.Evolution.Randomness;
using Xunit;

namespace FoolingCluster.Evolution.Tests.Genomes;

public class CppnActivationsTests
{
    public static TheoryData<CppnActivation> Activations => [.. CppnActivations.All];

    [Fact]
    public void All_lists_every_activation_in_enum_order()
    {
        Assert.Equal(Enum.GetValues<CppnActivation>(), CppnActivations.All);
        Assert.Equal(4, CppnActivations.All.Count);
    }

    [Theory]
    [InlineData(CppnActivation.Sine, 0f, 0f)]
    [InlineData(CppnActivation.Sine, MathF.PI / 2, 1f)]
    [InlineData(CppnActivation.Sine, -MathF.PI / 6, -0.5f)]
    [InlineData(CppnActivation.BipolarSigmoid, 0f, 0f)]
    [InlineData(CppnActivation.BipolarSigmoid, 50f, 1f)]
    [InlineData(CppnActivation.BipolarSigmoid, -50f, -1f)]
    [InlineData(CppnActivation.BipolarSigmoid, 1f, 0.46211716f)] // tanh(1/2)
    [InlineData(CppnActivation.Gaussian, 0f, 1f)]
    [InlineData(CppnActivation.Gaussian, 1f, 0.36787944f)]
    [InlineData(CppnActivation.Gaussian, -2f, 0.01831564f)]
    [InlineData(CppnActivation.Linear, 1.5f, 0.5f)]
    [InlineData(CppnActivation.Linear, -3f, -1f)]
    [InlineData(CppnActivation.Linear, 7f, 1f)]
    [InlineData(CppnActivation.Linear, -100f, -1f)]
    public void Scalar_activations_have_their_defining_values(CppnActivation activation, float x, float expected)
    {
        Assert.Equal(expected, CppnActivations.Apply(activation, x), 1e-6f);
    }

    [Theory]
    [MemberData(nameof(Activations))]
    public void Vectorised_form_agrees_with_the_scalar_form_for_every_length(CppnActivation activation)
    {
        var random = new DeterministicRandom(71 + (int)activation);
        for (int length = 0; length <= 256; length++)
        {
            var values = new float[length + 2];
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = (float)random.NextDouble(-20, 20);
            }

            float[] original = [.. values];

            // Apply to an inner slice: the guard values around it must not be written.
            CppnActivations.Apply(activation, values.AsSpan(1, length));

            Assert.Equal(original[0], values[0]);
            Assert.Equal(original[^1], values[^1]);
            for (int i = 1; i <= length; i++)
            {
                float expected = CppnActivations.Apply(activation, original[i]);
                Assert.True(Math.Abs(expected - values[i]) <= 2e-6f, $"{activation}({original[i]}) at {i - 1} of {length}: scalar {expected}, vectorised {values[i]}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Activations))]
    public void Outputs_stay_within_the_activations_range(CppnActivation activation)
    {
        var random = new DeterministicRandom(75);
        float[] values = [.. Enumerable.Range(0, 1000).Select(_ => (float)random.NextDouble(-1000, 1000)), 0f, 1e30f, -1e30f];
        float[] scalar = [.. values.Select(v => CppnActivations.Apply(activation, v))];

        CppnActivations.Apply(activation, values);

        // The vectorised Exp may overshoot e^0 = 1 by an ulp.
        Assert.All(values, v => Assert.InRange(v, -1f - 1e-6f, 1f + 1e-6f));
        Assert.All(scalar, v => Assert.InRange(v, -1f, 1f));
    }

    [Fact]
    public void An_unknown_activation_is_refused_by_both_forms()
    {
        var values = new float[3];

        Assert.Throws<ArgumentOutOfRangeException>(() => CppnActivations.Apply((CppnActivation)9, 0.5f));
        Assert.Throws<ArgumentOutOfRangeException>(() => CppnActivations.Apply((CppnActivation)9, values.AsSpan()));
    }
}

using FoolingCluster.Defense.Retraining;
using FoolingCluster.Models.Configuration;
using Xunit;

namespace FoolingCluster.Defense.Tests.Retraining;

/// <summary>The retraining configuration's PGD radius is refused outside [0,1], naming the file and the key.</summary>
public class RetrainConfigTests
{
    [Theory]
    [InlineData(5f)]
    [InlineData(-0.1f)]
    [InlineData(float.NaN)]
    public void A_pgd_radius_outside_the_pixel_range_is_refused(float epsilon)
    {
        var ex = Assert.Throws<ConfigException>(() => new RetrainConfig { PgdEpsilon = epsilon }.Validate("retrain.json"));
        Assert.StartsWith("retrain.json: pgdEpsilon must be in [0, 1]", ex.Message);
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(0.3f)]
    [InlineData(1f)]
    public void A_pgd_radius_in_the_pixel_range_is_accepted(float epsilon)
    {
        new RetrainConfig { PgdEpsilon = epsilon }.Validate("retrain.json");
    }
}

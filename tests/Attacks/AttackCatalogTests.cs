using FoolingCluster.Attacks.Gradient;
using FoolingCluster.Tensors;
using Xunit;

namespace FoolingCluster.Attacks.Tests;

public class AttackCatalogTests
{
    [Theory]
    [InlineData("fgsm", null, typeof(Fgsm), 1)]
    [InlineData("fgm", null, typeof(Fgm), 1)]
    [InlineData("bim", "linf", typeof(LinfBim), 10)]
    [InlineData("bim", "l2", typeof(L2Bim), 10)]
    [InlineData("pgd", null, typeof(LinfPgd), 40)]
    [InlineData("pgd", "l2", typeof(L2Pgd), 50)]
    public void Names_build_the_attacks_with_Foolbox_defaults(string name, string? norm, Type type, int steps)
    {
        GradientDescentAttack attack = AttackCatalog.Create(name, norm);
        Assert.IsType(type, attack);
        Assert.Equal(steps, attack.Steps);
    }

    [Fact]
    public void Linf_pgd_defaults_to_Madrys_step_of_0_01_at_epsilon_0_3_from_a_random_start()
    {
        GradientDescentAttack pgd = AttackCatalog.Create("pgd", "linf", steps: 40);
        Assert.Equal(0.01f, pgd.StepSize(0.3f), 6);
        Assert.True(pgd.RandomStart);
        Assert.False(AttackCatalog.Create("bim").RandomStart);
        Assert.Equal(0.3f, AttackCatalog.Create("fgsm").StepSize(0.3f));
    }

    [Theory]
    [InlineData("cw", null, null, "those are: fgsm, fgm, bim, pgd")]
    [InlineData("carlini", null, null, "valid: fgsm, fgm, bim, pgd, uniform-noise, deepfool")]
    [InlineData("pgd", "l1", null, "valid: linf, l2")]
    [InlineData("fgsm", "l2", null, "fgm")]
    [InlineData("fgm", "linf", null, "fgsm")]
    [InlineData("fgsm", null, 5, "one step")]
    [InlineData("pgd", null, 0, "at least 1")]
    public void Bad_names_and_settings_are_explained(string name, string? norm, int? steps, string expected)
    {
        var ex = Assert.Throws<InvalidInputException>(() => AttackCatalog.Create(name, norm, steps));
        Assert.Contains(expected, ex.Message);
    }

    [Fact]
    public void Every_name_builds_in_every_norm_it_lists_as_a_minimising_attack()
    {
        foreach (string name in AttackCatalog.Names)
        {
            foreach (string norm in AttackCatalog.NormsOf(name))
            {
                IMinimizingAttack attack = AttackCatalog.CreateMinimizing(name, norm, [0.1f, 0.2f]);
                Assert.Equal(norm, attack.Distance.Name.Replace("∞", "inf", StringComparison.Ordinal).ToLowerInvariant());
                Assert.Equal(AttackCatalog.TakesEpsilon(name), attack is Robustness.EpsilonSearch);
                Assert.False(string.IsNullOrWhiteSpace(attack.Describe()));
            }
        }
    }

    [Theory]
    [InlineData("deepfool", "l0", "l0 attacks: salt-and-pepper, pointwise")]
    [InlineData("boundary", null, "takes no ε")]
    [InlineData("pointwise", "l0", "no step count")]
    public void Minimising_attacks_explain_what_they_do_not_take(string name, string? norm, string expected)
    {
        var ex = Assert.Throws<InvalidInputException>(() => name == "pointwise"
            ? (object)AttackCatalog.CreateMinimizing(name, norm, [0.1f], steps: 3)
            : AttackCatalog.CreateFixedEpsilon(name, norm));
        Assert.Contains(expected, ex.Message);
    }
}

using FoolingCluster.Models.Architectures;
using FoolingCluster.Tensors;
using FoolingCluster.Tensors.NN;
using Xunit;

namespace FoolingCluster.Models.Tests.Architectures;

public class ArchitectureTests
{
    [Fact]
    public void LeNet_has_pytorch_names_and_caffe_shapes()
    {
        IReadOnlyDictionary<string, Tensor> state = new LeNet(seed: 1).StateDict();
        var expected = new Dictionary<string, int[]>
        {
            ["conv1.weight"] = [20, 1, 5, 5],
            ["conv1.bias"] = [20],
            ["conv2.weight"] = [50, 20, 5, 5],
            ["conv2.bias"] = [50],
            ["fc1.weight"] = [500, 800],
            ["fc1.bias"] = [500],
            ["fc2.weight"] = [10, 500],
            ["fc2.bias"] = [10],
        };
        Assert.Equal(expected.Keys.Order(), state.Keys.Order());
        foreach ((string name, int[] shape) in expected)
        {
            Assert.Equal(shape, state[name].Shape);
        }
    }

    [Fact]
    public void Mlp_is_784_256_256_10()
    {
        IReadOnlyDictionary<string, Tensor> state = new Mlp(seed: 1).StateDict();
        Assert.Equal([256, 784], state["fc1.weight"].Shape);
        Assert.Equal([256, 256], state["fc2.weight"].Shape);
        Assert.Equal([10, 256], state["fc3.weight"].Shape);
    }

    [Fact]
    public void Initialisation_is_seeded_and_follows_pytorch_bounds()
    {
        Tensor a = new LeNet(seed: 5).StateDict()["conv2.weight"];
        Tensor b = new LeNet(seed: 5).StateDict()["conv2.weight"];
        Tensor c = new LeNet(seed: 6).StateDict()["conv2.weight"];
        Assert.Equal(a.ToArray(), b.ToArray());
        Assert.NotEqual(a.ToArray(), c.ToArray());

        // kaiming_uniform(a=√5): U(−1/√fan_in, 1/√fan_in), fan_in = 20·5·5; std = bound/√3.
        double bound = 1 / Math.Sqrt(500);
        float[] w = a.ToArray();
        Assert.All(w, v => Assert.InRange(v, -bound, bound));
        double std = Math.Sqrt(w.Select(v => (double)v * v).Average());
        Assert.InRange(std, 0.95 * bound / Math.Sqrt(3), 1.05 * bound / Math.Sqrt(3));
    }

    [Fact]
    public void Forward_maps_images_to_ten_logits()
    {
        foreach (string name in Architecture.Names)
        {
            Module net = Architecture.Create(name, seed: 1);
            Tensor y = net.Forward(Tensor.Zeros(3, 1, 28, 28));
            Assert.Equal([3, 10], y.Shape);
        }
    }

    [Fact]
    public void Unknown_architecture_lists_the_valid_ones()
    {
        var ex = Assert.Throws<InvalidInputException>(() => Architecture.Create("resnet", 1));
        Assert.Contains("lenet", ex.Message);
        Assert.Contains("mlp", ex.Message);
    }
}

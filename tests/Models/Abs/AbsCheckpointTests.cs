using FoolingCluster.Models.Abs;
using FoolingCluster.Models.Checkpoints;
using FoolingCluster.Tensors;
using FoolingCluster.Tests.Shared;
using Xunit;

namespace FoolingCluster.Models.Tests.Abs;

/// <summary>An ABS model's folder: ten VAEs and two sidecars, loaded by the same path route as any model.</summary>
public class AbsCheckpointTests
{
    private static readonly AbsSettings s_quick = new() { Samples = 200, Steps = 3 };

    [Fact]
    public void A_vae_travels_as_bytes_and_bytes_that_are_not_a_sound_class_vae_are_refused()
    {
        ClassVae vae = FrozenDecoderTests.VaeWithNontrivialNorms(4);
        byte[] bytes = AbsCheckpoint.VaeToBytes(4, vae, epochs: 2);

        ClassVae back = AbsCheckpoint.VaeFromBytes(bytes, 4, "test");
        foreach ((string name, Tensor tensor) in vae.StateDict())
        {
            Assert.Equal(tensor.ToArray(), back.StateDict()[name].ToArray());
        }

        Assert.Contains("records class 4, not 5", Assert.Throws<InvalidInputException>(() => AbsCheckpoint.VaeFromBytes(bytes, 5, "test")).Message, StringComparison.Ordinal);
        vae.StateDict()["decoder.1.running_var"].Span[0] = -1f;
        Assert.Contains("variance", Assert.Throws<InvalidInputException>(() => AbsCheckpoint.VaeFromBytes(AbsCheckpoint.VaeToBytes(4, vae, 2), 4, "test")).Message, StringComparison.Ordinal);
        vae.StateDict()["decoder.1.running_var"].Span[0] = 1f;
        vae.StateDict()["encoder.0.bias"].Span[1] = float.PositiveInfinity;
        Assert.Contains("encoder.0.bias[1]", Assert.Throws<InvalidInputException>(() => AbsCheckpoint.VaeFromBytes(AbsCheckpoint.VaeToBytes(4, vae, 2), 4, "test")).Message, StringComparison.Ordinal);
        Assert.Throws<Tensors.Serialization.SafeTensorsFormatException>(() => AbsCheckpoint.VaeFromBytes([0, 1, 2, 3, 4, 5, 6, 7, 8], 4, "test"));
    }

    [Fact]
    public void Folder_loads_as_abs_and_the_binary_sidecar_as_binary_abs_with_the_same_outputs()
    {
        using var dir = new TempDirectory();
        ClassVae[] vaes = Enumerable.Range(0, 10).Select(FrozenDecoderTests.VaeWithNontrivialNorms).ToArray();
        for (int c = 0; c < 10; c++)
        {
            AbsCheckpoint.SaveVae(dir.Path, c, vaes[c], epochs: 1);
        }

        AbsCheckpoint.SaveSidecars(dir.Path, new AbsTrainingConfig { Epochs = 1 }, s_quick);

        LoadedModel plain = ModelCheckpoint.Load(dir.Path);
        LoadedModel binary = ModelCheckpoint.Load(Path.Combine(dir.Path, AbsCheckpoint.BinarySidecarName));
        Assert.Equal("abs", plain.Sidecar.Architecture);
        Assert.False(((AbsModel)plain.Model).Settings.Binary);
        Assert.True(((AbsModel)binary.Model).Settings.Binary);
        Assert.Equal(AbsSettings.PaperBinaryScales, ((AbsModel)binary.Model).Settings.ClassScales!);

        var rng = new Random(2);
        float[] images = Enumerable.Range(0, 3 * 784).Select(_ => rng.NextSingle()).ToArray();
        var original = new AbsModel(vaes, s_quick);
        Assert.Equal(original.Infer(images, 3).Elbos, ((AbsModel)plain.Model).Infer(images, 3).Elbos);

        Tensor logits = plain.Model.Forward(Tensor.FromArray(images, 3, 1, 28, 28));
        Assert.Equal([3, 10], logits.Shape);
    }

    [Fact]
    public void A_packed_model_is_one_weights_file_that_loads_as_the_same_abs()
    {
        using var dir = new TempDirectory();
        string folder = Path.Combine(dir.Path, "abs");
        ClassVae[] vaes = Enumerable.Range(0, 10).Select(FrozenDecoderTests.VaeWithNontrivialNorms).ToArray();
        for (int c = 0; c < 10; c++)
        {
            AbsCheckpoint.SaveVae(folder, c, vaes[c], epochs: 1);
        }

        AbsCheckpoint.SaveSidecars(folder, new AbsTrainingConfig { Epochs = 1 }, s_quick);
        string plainFile = Path.Combine(dir.Path, "run", "model.safetensors");
        string binaryFile = Path.Combine(dir.Path, "binary.safetensors");
        AbsCheckpoint.Pack(folder, plainFile);
        AbsCheckpoint.Pack(Path.Combine(folder, AbsCheckpoint.BinarySidecarName), binaryFile);

        Assert.False(AbsCheckpoint.IsAbsPath(plainFile));
        LoadedModel plain = ModelCheckpoint.Load(plainFile);
        LoadedModel binary = ModelCheckpoint.Load(binaryFile);
        Assert.Equal("abs", plain.Sidecar.Architecture);
        Assert.False(((AbsModel)plain.Model).Settings.Binary);
        Assert.True(((AbsModel)binary.Model).Settings.Binary);

        var rng = new Random(3);
        float[] images = Enumerable.Range(0, 4 * 784).Select(_ => rng.NextSingle()).ToArray();
        var original = new AbsModel(vaes, s_quick);
        Assert.Equal(original.Infer(images, 4).Elbos, ((AbsModel)plain.Model).Infer(images, 4).Elbos);
        Assert.Equal(original.WithSettings(s_quick.AsBinary()).Infer(images, 4).Elbos, ((AbsModel)binary.Model).Infer(images, 4).Elbos);
    }

    [Fact]
    public void A_packed_file_missing_a_vae_tensor_is_refused_by_name()
    {
        using var dir = new TempDirectory();
        var model = new AbsModel(Enumerable.Range(0, 10).Select(c => new ClassVae(c)).ToArray(), s_quick);
        string file = Path.Combine(dir.Path, "abs.safetensors");
        var tensors = model.StateDict().Where(kv => !kv.Key.StartsWith("vae_7.", StringComparison.Ordinal)).ToDictionary();
        FoolingCluster.Tensors.Serialization.SafeTensors.Save(file, tensors);
        AbsCheckpoint.SaveSidecars(dir.Path, new AbsTrainingConfig(), s_quick);
        File.Move(Path.Combine(dir.Path, AbsCheckpoint.SidecarName), ModelCheckpoint.SidecarPath(file), overwrite: true);

        var e = Assert.ThrowsAny<InvalidInputException>(() => ModelCheckpoint.Load(file));
        Assert.Contains("vae_7.", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_pieces_are_named_with_the_command_that_makes_them()
    {
        using var dir = new TempDirectory();
        var e = Assert.ThrowsAny<InvalidInputException>(() => ModelCheckpoint.Load(dir.Path));
        Assert.Contains("abs.json", e.Message, StringComparison.Ordinal);
        Assert.Contains("fooling abs train --out", e.Message, StringComparison.Ordinal);

        for (int c = 0; c < 10; c++)
        {
            if (c != 4)
            {
                AbsCheckpoint.SaveVae(dir.Path, c, new ClassVae(c), epochs: 1);
            }
        }

        AbsCheckpoint.SaveSidecars(dir.Path, new AbsTrainingConfig(), new AbsSettings());
        e = Assert.ThrowsAny<InvalidInputException>(() => ModelCheckpoint.Load(dir.Path));
        Assert.Contains("vae-4.safetensors", e.Message, StringComparison.Ordinal);
        Assert.Contains("class 4", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Impossible_settings_name_the_file_and_the_key()
    {
        using var dir = new TempDirectory();
        AbsCheckpoint.SaveSidecars(dir.Path, new AbsTrainingConfig(), new AbsSettings { Steps = -1 });
        var e = Assert.ThrowsAny<InvalidInputException>(() => ModelCheckpoint.Load(dir.Path));
        Assert.Contains("abs.json", e.Message, StringComparison.Ordinal);
        Assert.Contains("abs.steps", e.Message, StringComparison.Ordinal);
    }
}

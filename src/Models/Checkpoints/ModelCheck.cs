using FoolingCluster.Models.Abs;
using FoolingCluster.Tensors;
using FoolingCluster.Tensors.Autograd;

namespace FoolingCluster.Models.Checkpoints;

/// <summary>
/// Whether a loaded model can run: one forward pass on a small batch of the input shape its
/// sidecar declares, whose outputs must have the declared number of classes and be finite.
/// Weights that load but cannot classify (a sidecar whose input shape does not fit them, or
/// weights that diverged to NaN in training) are refused when the model is loaded, naming the
/// file, instead of failing in the middle of a search or an attack.
/// </summary>
public static class ModelCheck
{
    /// <summary>Images in the test batch: a flat image and a ramp across the input range.</summary>
    private const int Images = 2;

    /// <summary>Largest test batch, in values: larger input shapes are not images this project runs.</summary>
    private const long MaxValues = 1L << 26;

    /// <summary>
    /// Prior samples and refinement steps of the cheap ABS settings the check runs: enough to
    /// run every decoder through the same code as full inference, at a small share of its cost.
    /// </summary>
    private const int AbsSamples = 16;

    /// <summary>Runs <paramref name="loaded"/> on a test batch <c>[2, ..input_shape]</c> within its input range.</summary>
    /// <exception cref="InvalidInputException">The input shape does not fit the weights, or the outputs are not <c>[2,classes]</c> or not finite.</exception>
    public static void Verify(LoadedModel loaded)
    {
        ArgumentNullException.ThrowIfNull(loaded);
        ModelSidecar sidecar = loaded.Sidecar;
        string shape = Tensor.ShapeString(sidecar.InputShape);
        long size = sidecar.InputShape.Aggregate(1L, (product, d) => product * d);
        if (size * Images > MaxValues)
        {
            throw new InvalidInputException($"{loaded.Path}: the sidecar's input_shape {shape} is too large for an image classifier");
        }

        using TensorScope scope = TensorScope.Begin();
        using NoGradScope noGrad = NoGradScope.Begin();
        Tensor batch = TestBatch(sidecar.InputShape, (int)size, sidecar.InputRange);
        Tensor outputs;
        try
        {
            outputs = Cheap(loaded).Forward(batch);
        }
        catch (Exception ex) when (ex is InvalidInputException or ArgumentException or IndexOutOfRangeException)
        {
            throw new InvalidInputException($"{loaded.Path}: the sidecar's input_shape {shape} does not fit the weights: {ex.Message}", ex);
        }

        if (outputs.Rank != 2 || outputs.Shape[0] != Images || outputs.Shape[1] != sidecar.Classes)
        {
            throw new InvalidInputException($"{loaded.Path}: its outputs on a test batch of {Images} have shape {Tensor.ShapeString(outputs.Shape)}, but its sidecar declares {sidecar.Classes} classes, so they must be [{Images},{sidecar.Classes}]");
        }

        foreach (float value in outputs.Span)
        {
            if (!float.IsFinite(value))
            {
                string what = float.IsNaN(value) ? "NaN" : "infinite";
                throw new InvalidInputException($"{loaded.Path}: its outputs are not finite ({what}) on a test batch: the weights are broken; retrain it");
            }
        }
    }

    /// <summary>
    /// The model as the check runs it: an ABS model with a few prior samples and one refinement
    /// step instead of thousands and fifty, sharing its folded decoders; any other model as it is.
    /// </summary>
    private static Tensors.NN.Module Cheap(LoadedModel loaded) => loaded.Model is AbsModel abs
        ? abs.WithSettings(abs.Settings with { Samples = AbsSamples, Steps = 1 })
        : loaded.Model;

    /// <summary>A flat image at the middle of the range and a ramp from its minimum to its maximum.</summary>
    /// <returns><c>[2, ..shape]</c>.</returns>
    private static Tensor TestBatch(int[] shape, int size, float[] range)
    {
        float low = range[0], high = range[1];
        var values = new float[Images * size];
        values.AsSpan(0, size).Fill(low + ((high - low) / 2));
        for (int i = 0; i < size; i++)
        {
            values[size + i] = low + ((high - low) * i / Math.Max(1, size - 1));
        }

        return Tensor.FromArray(values, [Images, .. shape]);
    }
}

using System.Buffers;
using System.Numerics.Tensors;
using FoolingCluster.Tensors;

namespace FoolingCluster.Evolution.Genomes.Cppn;

/// <summary>
/// Draws CPPNs. Every node is evaluated for all pixels at once: a node's value is a plane of
/// H·W floats, its weighted sum is a chain of vectorised multiply-adds and its activation one
/// vectorised call, so the per-pixel interpretation overhead of a graph walk disappears.
/// Genomes of a batch are drawn in parallel.
/// </summary>
public sealed class CppnDecoder : IGenomeDecoder<CppnGenome>
{
    private readonly float[] _inputPlanes;

    /// <summary>A decoder for images of <paramref name="shape"/>.</summary>
    public CppnDecoder(ImageShape shape)
    {
        shape.Validate();
        Shape = shape;
        _inputPlanes = InputPlanes(shape.Height, shape.Width);
    }

    /// <inheritdoc/>
    public ImageShape Shape { get; }

    /// <inheritdoc/>
    public void Render(IReadOnlyList<CppnGenome> genomes, Span<float> images)
    {
        ArgumentNullException.ThrowIfNull(genomes);
        int size = Shape.Size;
        if (images.Length < genomes.Count * size)
        {
            throw new ArgumentException($"images holds {images.Length} values; {genomes.Count} images of {Shape} need {genomes.Count * size}", nameof(images));
        }

        for (int n = 0; n < genomes.Count; n++)
        {
            if (genomes[n].Shape != Shape)
            {
                throw new ArgumentException($"genome {n} draws {genomes[n].Shape} images; this decoder draws {Shape}", nameof(genomes));
            }
        }

        int threads = Math.Min(Engine.Threads, genomes.Count);
        if (threads <= 1)
        {
            for (int n = 0; n < genomes.Count; n++)
            {
                RenderOne(genomes[n], images.Slice(n * size, size));
            }

            return;
        }

        // A span cannot be captured by the parallel loop's lambda, so threads draw into a
        // pooled array that is copied out afterwards.
        float[] output = ArrayPool<float>.Shared.Rent(genomes.Count * size);
        try
        {
            Engine.ParallelFor(threads, t =>
            {
                int start = genomes.Count * t / threads;
                int end = genomes.Count * (t + 1) / threads;
                for (int n = start; n < end; n++)
                {
                    RenderOne(genomes[n], output.AsSpan(n * size, size));
                }
            });
            output.AsSpan(0, genomes.Count * size).CopyTo(images);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(output);
        }
    }

    /// <summary>Draws one genome into <paramref name="image"/>, <c>[C,H,W]</c> in [0,1].</summary>
    public void RenderOne(CppnGenome genome, Span<float> image)
    {
        ArgumentNullException.ThrowIfNull(genome);
        if (genome.Shape != Shape || image.Length < Shape.Size)
        {
            throw new ArgumentException($"genome draws {genome.Shape} into {image.Length} values; this decoder draws {Shape} ({Shape.Size} values)", nameof(genome));
        }

        CppnProgram program = genome.Program;
        int pixels = Shape.Pixels;
        float[] slots = ArrayPool<float>.Shared.Rent(program.SlotCount * pixels);
        try
        {
            Span<float> all = slots.AsSpan(0, program.SlotCount * pixels);
            _inputPlanes.CopyTo(all);
            foreach (CppnProgram.Step step in program.Steps)
            {
                Span<float> target = all.Slice(step.Target * pixels, pixels);
                target.Clear();
                for (int i = 0; i < step.Sources.Length; i++)
                {
                    ReadOnlySpan<float> source = all.Slice(step.Sources[i] * pixels, pixels);
                    TensorPrimitives.MultiplyAdd(source, step.Weights[i], target, target);
                }

                CppnActivations.Apply(step.Activation, target);
            }

            WriteImage(all, program.OutputSlots, pixels, image);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(slots);
        }
    }

    /// <summary>Maps outputs from [−1,1] to [0,1]; three outputs are H,S,V and become RGB.</summary>
    private void WriteImage(ReadOnlySpan<float> slots, int[] outputSlots, int pixels, Span<float> image)
    {
        if (Shape.Channels == 1)
        {
            ToUnitRange(slots.Slice(outputSlots[0] * pixels, pixels), image[..pixels]);
            return;
        }

        float[] rented = ArrayPool<float>.Shared.Rent(3 * pixels);
        try
        {
            for (int c = 0; c < 3; c++)
            {
                ToUnitRange(slots.Slice(outputSlots[c] * pixels, pixels), rented.AsSpan(c * pixels, pixels));
            }

            HsvToRgb.Convert(rented.AsSpan(0, 3 * pixels), image[..(3 * pixels)]);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(rented);
        }
    }

    private static void ToUnitRange(ReadOnlySpan<float> output, Span<float> channel)
    {
        TensorPrimitives.Multiply(output, 0.5f, channel);
        TensorPrimitives.Add(channel, 0.5f, channel);
        TensorPrimitives.Max(channel, 0f, channel);
        TensorPrimitives.Min(channel, 1f, channel);
    }

    /// <summary>Planes x, y, d and bias, <c>[4,H,W]</c>; x and y run over [−1,1] (0 for a single row or column).</summary>
    private static float[] InputPlanes(int height, int width)
    {
        int pixels = height * width;
        var planes = new float[CppnGenome.InputCount * pixels];
        for (int r = 0; r < height; r++)
        {
            float y = height == 1 ? 0f : (2f * r / (height - 1)) - 1f;
            for (int c = 0; c < width; c++)
            {
                float x = width == 1 ? 0f : (2f * c / (width - 1)) - 1f;
                int p = (r * width) + c;
                planes[(CppnGenome.InputX * pixels) + p] = x;
                planes[(CppnGenome.InputY * pixels) + p] = y;
                planes[(CppnGenome.InputD * pixels) + p] = MathF.Sqrt((x * x) + (y * y));
                planes[(CppnGenome.BiasId * pixels) + p] = 1f;
            }
        }

        return planes;
    }
}

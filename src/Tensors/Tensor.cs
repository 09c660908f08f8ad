using System.Buffers;
using System.Runtime.CompilerServices;
using FoolingCluster.Tensors.Autograd;

namespace FoolingCluster.Tensors;

/// <summary>
/// A dense float32 tensor: contiguous, row-major, images as <c>[N,C,H,W]</c>.
/// </summary>
/// <remarks>
/// Storage is rented from <see cref="ArrayPool{T}"/>, so <see cref="Data"/> may be longer than
/// <see cref="Size"/>; always go through <see cref="Span"/>. Tensors created while a
/// <see cref="TensorScope"/> is open are returned to the pool when the scope ends, which is how
/// hot loops avoid garbage. A tensor that must outlive its scope is <see cref="Detach"/>ed or
/// passed to <see cref="TensorScope.Keep"/>.
/// </remarks>
public sealed class Tensor : IDisposable
{
    private float[]? _data;
    private readonly bool _pooled;
    private long _version;

    private Tensor(int[] shape, float[] data, bool pooled)
    {
        Shape = shape;
        Size = ShapeSize(shape);
        _data = data;
        _pooled = pooled;
    }

    /// <summary>Dimensions, outermost first.</summary>
    public int[] Shape { get; }

    /// <summary>Number of elements: the product of <see cref="Shape"/>.</summary>
    public int Size { get; }

    /// <summary>Number of dimensions.</summary>
    public int Rank => Shape.Length;

    /// <summary>The backing array (possibly longer than <see cref="Size"/>).</summary>
    public float[] Data => _data ?? throw new ObjectDisposedException(nameof(Tensor), "tensor used after it was disposed");

    /// <summary>The elements, exactly <see cref="Size"/> of them.</summary>
    public Span<float> Span => Data.AsSpan(0, Size);

    /// <summary>Whether backward passes compute a gradient for this tensor.</summary>
    public bool RequiresGrad { get; set; }

    /// <summary>Accumulated gradient after <see cref="Backward"/>; same shape as this tensor.</summary>
    public Tensor? Grad { get; set; }

    /// <summary>The tape node that produced this tensor, or null for a leaf.</summary>
    internal GradNode? Node { get; set; }

    /// <summary>Whether the storage has been returned to the pool.</summary>
    public bool IsDisposed => _data is null;

    /// <summary>Element at a flat index.</summary>
    public float this[int index]
    {
        get => Span[index];
        set
        {
            Span[index] = value;
            MarkModified();
        }
    }

    /// <summary>Element at a multi-dimensional index.</summary>
    public float this[params int[] index]
    {
        get => Span[FlatIndex(index)];
        set
        {
            Span[FlatIndex(index)] = value;
            MarkModified();
        }
    }

    /// <summary>Size of dimension <paramref name="dim"/> (negative counts from the end).</summary>
    public int Dim(int dim) => Shape[dim < 0 ? Shape.Length + dim : dim];

    /// <summary>A new tensor with uninitialised (pooled) contents.</summary>
    public static Tensor Empty(params int[] shape)
    {
        int[] copy = (int[])shape.Clone();
        int size = ShapeSize(copy);
        var t = new Tensor(copy, size == 0 ? [] : ArrayPool<float>.Shared.Rent(size), pooled: size > 0);
        TensorScope.Register(t);
        return t;
    }

    /// <summary>A new zero-filled tensor.</summary>
    public static Tensor Zeros(params int[] shape)
    {
        Tensor t = Empty(shape);
        t.Span.Clear();
        return t;
    }

    /// <summary>A new tensor filled with <paramref name="value"/>.</summary>
    public static Tensor Full(float value, params int[] shape)
    {
        Tensor t = Empty(shape);
        t.Span.Fill(value);
        return t;
    }

    /// <summary>A new tensor with the same shape as <paramref name="like"/>, uninitialised.</summary>
    public static Tensor EmptyLike(Tensor like) => Empty(like.Shape);

    /// <summary>A new tensor with a copy of <paramref name="values"/>.</summary>
    public static Tensor FromArray(ReadOnlySpan<float> values, params int[] shape)
    {
        Tensor t = Empty(shape);
        if (values.Length != t.Size)
        {
            throw new ShapeMismatchException($"{values.Length} values cannot fill a tensor of shape {ShapeString(shape)} ({t.Size} elements)");
        }

        values.CopyTo(t.Span);
        return t;
    }

    /// <summary>
    /// Wraps an existing array without copying; the tensor is not pooled and not scoped,
    /// so it lives as long as the caller keeps it.
    /// </summary>
    public static Tensor Wrap(float[] data, params int[] shape)
    {
        int[] copy = (int[])shape.Clone();
        if (data.Length < ShapeSize(copy))
        {
            throw new ShapeMismatchException($"{data.Length} values cannot fill a tensor of shape {ShapeString(copy)}");
        }

        return new Tensor(copy, data, pooled: false);
    }

    /// <summary>A copy that shares nothing and is not part of any autograd graph.</summary>
    public Tensor Clone()
    {
        Tensor t = Empty(Shape);
        Span.CopyTo(t.Span);
        return t;
    }

    /// <summary>
    /// A copy cut from the autograd graph and from the current <see cref="TensorScope"/>:
    /// use it for values that must outlive a training step.
    /// </summary>
    public Tensor Detach()
    {
        int[] copy = (int[])Shape.Clone();
        var t = new Tensor(copy, Size == 0 ? [] : ArrayPool<float>.Shared.Rent(Size), pooled: Size > 0);
        Span.CopyTo(t.Span);
        return t;
    }

    /// <summary>A copy of the elements as a new array of exactly <see cref="Size"/>.</summary>
    public float[] ToArray() => Span.ToArray();

    /// <summary>Fills the tensor with zeros in place.</summary>
    public void ZeroInPlace()
    {
        Span.Clear();
        MarkModified();
    }

    /// <summary>
    /// Counts the in-place changes made to the elements: the indexers, <see cref="ZeroInPlace"/>,
    /// the optimisers' steps and loading weights into the tensor each add one. What is derived from
    /// the elements and kept between calls (a convolution's packed weight) is rebuilt when it changes.
    /// </summary>
    /// <remarks>
    /// A write through <see cref="Span"/> or <see cref="Data"/> is not seen by the tensor: code that
    /// changes a tensor's elements that way after it was first used must call <see cref="MarkModified"/>.
    /// </remarks>
    public long Version => Interlocked.Read(ref _version);

    /// <summary>Records that the elements were changed in place (see <see cref="Version"/>).</summary>
    public void MarkModified() => Interlocked.Increment(ref _version);

    /// <summary>Runs reverse-mode differentiation from this scalar (or from a seed gradient).</summary>
    /// <param name="seed">Gradient of the final objective with respect to this tensor; ones when null.</param>
    public void Backward(Tensor? seed = null) => Tape.Backward(this, seed);

    /// <summary>Returns the storage to the pool. Safe to call twice.</summary>
    public void Dispose()
    {
        float[]? data = _data;
        _data = null;
        if (data is not null && _pooled)
        {
            ArrayPool<float>.Shared.Return(data);
        }

        Node = null;
    }

    /// <summary>Product of the dimensions.</summary>
    public static int ShapeSize(ReadOnlySpan<int> shape)
    {
        long size = 1;
        foreach (int d in shape)
        {
            if (d < 0)
            {
                throw new ShapeMismatchException($"negative dimension in shape {ShapeString(shape)}");
            }

            size *= d;
        }

        if (size > Array.MaxLength)
        {
            throw new ShapeMismatchException($"shape {ShapeString(shape)} has {size} elements, more than an array can hold");
        }

        return (int)size;
    }

    /// <summary>Formats a shape as <c>[2,3,4]</c>.</summary>
    public static string ShapeString(ReadOnlySpan<int> shape)
    {
        var parts = new string[shape.Length];
        for (int i = 0; i < shape.Length; i++)
        {
            parts[i] = shape[i].ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return "[" + string.Join(",", parts) + "]";
    }

    /// <summary>Whether two shapes are equal element by element.</summary>
    public static bool SameShape(ReadOnlySpan<int> a, ReadOnlySpan<int> b) => a.SequenceEqual(b);

    /// <inheritdoc/>
    public override string ToString() => $"Tensor{ShapeString(Shape)}";

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int FlatIndex(int[] index)
    {
        if (index.Length != Shape.Length)
        {
            throw new ShapeMismatchException($"index of rank {index.Length} into tensor of shape {ShapeString(Shape)}");
        }

        int flat = 0;
        for (int i = 0; i < index.Length; i++)
        {
            if ((uint)index[i] >= (uint)Shape[i])
            {
                throw new ArgumentOutOfRangeException(nameof(index), $"index {index[i]} out of range for dimension {i} of shape {ShapeString(Shape)}");
            }

            flat = (flat * Shape[i]) + index[i];
        }

        return flat;
    }
}

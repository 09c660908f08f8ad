using FoolingCluster.Tensors;
using FoolingCluster.Tensors.NN;

namespace FoolingCluster.Defense.Retraining;

/// <summary>
/// Starts a network with one output more from a trained one (fine-tuning in the retraining loop):
/// every tensor is copied, and the output layer's new row keeps its fresh initialisation.
/// </summary>
public static class WeightTransfer
{
    /// <summary>Copies <paramref name="from"/>'s weights into <paramref name="to"/>.</summary>
    /// <exception cref="ShapeMismatchException">A tensor is missing, or differs other than by extra rows.</exception>
    public static void Copy(Module from, Module to)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        IReadOnlyDictionary<string, Tensor> source = from.StateDict();
        foreach ((string name, Tensor target) in to.StateDict())
        {
            if (!source.TryGetValue(name, out Tensor? tensor))
            {
                throw new ShapeMismatchException($"the network to fine-tune has no tensor '{name}'");
            }

            bool sameTail = tensor.Rank == target.Rank && tensor.Shape.AsSpan(1).SequenceEqual(target.Shape.AsSpan(1));
            if (!sameTail || tensor.Shape[0] > target.Shape[0])
            {
                throw new ShapeMismatchException($"tensor '{name}' is {Tensor.ShapeString(tensor.Shape)} in the trained network and {Tensor.ShapeString(target.Shape)} in the new one");
            }

            tensor.Span.CopyTo(target.Span);
            target.MarkModified();
        }
    }
}

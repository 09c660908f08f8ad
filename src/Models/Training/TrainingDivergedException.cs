using System.Globalization;
using FoolingCluster.Tensors;

namespace FoolingCluster.Models.Training;

/// <summary>
/// Training stopped because its loss or weights stopped being finite numbers. Nothing trained
/// after that point is worth keeping, so callers save nothing; the message names where it
/// happened and the learning rate that caused it.
/// </summary>
public sealed class TrainingDivergedException(string message) : InvalidInputException(message)
{
    /// <summary>Throws unless <paramref name="loss"/>, one batch's mean loss, is finite.</summary>
    /// <param name="loss">The batch's loss.</param>
    /// <param name="epoch">Its epoch, from 1.</param>
    /// <param name="batch">Its batch within the epoch, from 1.</param>
    /// <param name="learningRate">The configured learning rate, named as the likely cause.</param>
    /// <exception cref="TrainingDivergedException">The loss is NaN or infinite.</exception>
    public static void ThrowIfNotFinite(double loss, int epoch, int batch, float learningRate)
    {
        if (!double.IsFinite(loss))
        {
            throw new TrainingDivergedException(string.Create(CultureInfo.InvariantCulture,
                $"the training loss became {(double.IsNaN(loss) ? "NaN" : "infinite")} in epoch {epoch} (batch {batch}): the learning rate {learningRate:G} is too large"));
        }
    }

    /// <summary>Throws unless every value of every tensor in <paramref name="parameters"/> is finite.</summary>
    /// <param name="parameters">The model's parameters after an epoch.</param>
    /// <param name="epoch">That epoch, from 1.</param>
    /// <param name="learningRate">The configured learning rate, named as the likely cause.</param>
    /// <exception cref="TrainingDivergedException">Some weight is NaN or infinite.</exception>
    public static void ThrowIfNotFinite(IEnumerable<Tensor> parameters, int epoch, float learningRate)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        foreach (Tensor p in parameters)
        {
            foreach (float value in p.Span)
            {
                if (!float.IsFinite(value))
                {
                    throw new TrainingDivergedException(string.Create(CultureInfo.InvariantCulture,
                        $"the weights became {(float.IsNaN(value) ? "NaN" : "infinite")} in epoch {epoch}: the learning rate {learningRate:G} is too large"));
                }
            }
        }
    }
}

using System.Diagnostics;
using System.Globalization;
using FoolingCluster.Models.Abs;
using FoolingCluster.Models.Training;
using FoolingCluster.Tensors.NN;

namespace FoolingCluster.Cli.Commands;

/// <summary>
/// How far <c>eval-model</c> has got: a line after the first batch, so a slow model shows at
/// once that it is under way and what a stop would keep, then at most one a second, so a fast
/// network's evaluation stays a few lines long.
/// </summary>
internal sealed class EvaluationProgress(TextWriter console, int total) : IProgress<int>
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
    private readonly Stopwatch _sinceLine = new();

    /// <summary>
    /// Images per batch for <paramref name="model"/>: ABS, at milliseconds an image, gets batches
    /// of a few dozen so that progress shows and a stop loses little; a network gets
    /// <see cref="Evaluation.DefaultBatchSize"/>.
    /// </summary>
    public static int BatchSize(Module model) => model is AbsModel ? AbsModel.CoreBatch : Evaluation.DefaultBatchSize;

    /// <inheritdoc/>
    public void Report(int value)
    {
        if (value >= total || (_sinceLine.IsRunning && _sinceLine.Elapsed < Interval))
        {
            return;
        }

        console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"evaluated {value:N0}/{total:N0} images"));
        _sinceLine.Restart();
    }
}

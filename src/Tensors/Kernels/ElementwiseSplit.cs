namespace FoolingCluster.Tensors.Kernels;

/// <summary>
/// Splits an element-wise pass over a large tensor across the engine's threads. Each element is
/// computed alone, so the result is the same bits on any number of threads. A ResNet's Relu and
/// residual Add on one 224×224 image (up to 800,000 floats) otherwise run on one core while the
/// other waits for the next convolution.
/// </summary>
internal static class ElementwiseSplit
{
    /// <summary>Elements below which one thread does the whole pass (64K floats, 256 KB): smaller passes take less than handing out the work.</summary>
    public const int MinimumElements = 1 << 16;

    /// <summary>Floats per split boundary: parts start on whole 64-byte vectors.</summary>
    private const int Alignment = 16;

    /// <summary>Runs <paramref name="body"/>(start, count) over consecutive parts of <c>[0, length)</c> that together cover it once.</summary>
    public static void Run(int length, Action<int, int> body)
    {
        int parts = length < MinimumElements ? 1 : Math.Min(Engine.Threads, length / (MinimumElements / 2));
        if (parts <= 1)
        {
            body(0, length);
            return;
        }

        WorkerTeam.For(parts, parts, k =>
        {
            int start = Boundary(length, k, parts);
            body(start, Boundary(length, k + 1, parts) - start);
        });
    }

    private static int Boundary(int length, int k, int parts) => k == parts ? length : (int)((long)length * k / parts) & ~(Alignment - 1);
}

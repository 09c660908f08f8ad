namespace FoolingCluster.Attacks.Transfer;

/// <summary>How far a transfer measurement has got: reported after each slice of images.</summary>
/// <param name="Source">Index of the model adversarials are being crafted on, 0-based.</param>
/// <param name="Sources">Number of models M.</param>
/// <param name="SourceName">That model's name.</param>
/// <param name="Done">Images of this source attacked and classified by every model so far.</param>
/// <param name="Count">Images N per source.</param>
/// <param name="ImagesPerSecond">Images attacked per second on this source so far (crafting and classifying).</param>
public sealed record TransferProgress(int Source, int Sources, string SourceName, int Done, int Count, double ImagesPerSecond)
{
    /// <summary>Fraction of the whole measurement done, in [0,1].</summary>
    public double Fraction => Sources == 0 || Count == 0 ? 1 : (Source + ((double)Done / Count)) / Sources;
}

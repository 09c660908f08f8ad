namespace FoolingCluster.Models.Abs;

/// <summary>A progress report from <see cref="AbsTrainer"/> about one class VAE.</summary>
/// <param name="Digit">The class whose VAE this is, 0–9.</param>
/// <param name="Epoch">1-based epoch.</param>
/// <param name="Epochs">Total epochs.</param>
/// <param name="Step">Steps done in this epoch.</param>
/// <param name="StepsPerEpoch">Steps in an epoch.</param>
/// <param name="Loss">Mean negative ELBO per image over this epoch so far.</param>
/// <param name="Reconstruction">Mean squared-L2 reconstruction error per image over this epoch so far.</param>
/// <param name="Kl">Mean KL divergence per image over this epoch so far.</param>
/// <param name="ImagesPerSecond">This VAE's training throughput over this epoch so far.</param>
/// <param name="EpochDone">True on the report that ends an epoch (its checkpoint is written).</param>
public sealed record AbsTrainingProgress(
    int Digit, int Epoch, int Epochs, int Step, int StepsPerEpoch,
    double Loss, double Reconstruction, double Kl, double ImagesPerSecond, bool EpochDone);

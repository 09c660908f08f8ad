namespace FoolingCluster.Models.Training;

/// <summary>A progress report from <see cref="Trainer"/>, sent every few steps and at each epoch's end.</summary>
/// <param name="Epoch">1-based epoch.</param>
/// <param name="Epochs">Total epochs.</param>
/// <param name="Step">Steps done in this epoch.</param>
/// <param name="StepsPerEpoch">Steps in an epoch.</param>
/// <param name="Loss">Mean training loss over this epoch so far.</param>
/// <param name="TrainAccuracy">Training accuracy over this epoch so far, in [0,1].</param>
/// <param name="ImagesPerSecond">Training throughput over this epoch so far.</param>
/// <param name="LearningRate">Current learning rate.</param>
/// <param name="TestAccuracy">Test accuracy, set only on the report that ends an epoch.</param>
/// <param name="RobustAccuracy">Accuracy under attack on held-out images, set only on the report that ends an epoch and only when measured.</param>
public sealed record TrainingProgress(
    int Epoch, int Epochs, int Step, int StepsPerEpoch, double Loss, double TrainAccuracy,
    double ImagesPerSecond, float LearningRate, double? TestAccuracy, double? RobustAccuracy = null);

/// <summary>One finished epoch.</summary>
/// <param name="TrainAccuracy">Accuracy on the images trained on (the adversarial ones, in adversarial training), before each step's update.</param>
/// <param name="RobustAccuracy">Accuracy under attack on held-out images (see <see cref="TrainingHooks.RobustAccuracy"/>), or null.</param>
public sealed record EpochRecord(int Epoch, double Loss, double TrainAccuracy, double? TestAccuracy, double Seconds, double ImagesPerSecond, double? RobustAccuracy = null);

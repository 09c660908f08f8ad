namespace FoolingCluster.Models.Data;

/// <summary>
/// MNIST handwritten digits from the four idx files that <c>./scripts/setup.sh</c> fetches
/// into <c>data/mnist/</c>: images <c>[N,1,28,28]</c> in [0,1] and labels 0..9.
/// </summary>
public static class MnistDataset
{
    /// <summary>Where the set-up script puts MNIST, relative to the repository root.</summary>
    public const string DefaultDirectory = "data/mnist";

    /// <summary>The command that fetches MNIST, run from the repository root.</summary>
    public const string SetupCommand = "./scripts/setup.sh";

    /// <summary>Number of classes (digits 0..9).</summary>
    public const int Classes = 10;

    /// <summary>Height and width of an image.</summary>
    public const int Side = 28;

    /// <summary>Number of images in a split of the real dataset.</summary>
    public static int ExpectedCount(MnistSplit split) => split == MnistSplit.Train ? 60_000 : 10_000;

    /// <summary>File name of a split's images, e.g. <c>train-images-idx3-ubyte</c>.</summary>
    public static string ImagesFileName(MnistSplit split) => $"{Prefix(split)}-images-idx3-ubyte";

    /// <summary>File name of a split's labels, e.g. <c>train-labels-idx1-ubyte</c>.</summary>
    public static string LabelsFileName(MnistSplit split) => $"{Prefix(split)}-labels-idx1-ubyte";

    /// <summary>Loads one split.</summary>
    /// <param name="directory">Folder holding the idx files, usually <see cref="DefaultDirectory"/>.</param>
    /// <param name="split">Which split.</param>
    /// <param name="limit">Keep only the first this many images; all when null.</param>
    /// <returns>Images <c>[N,1,28,28]</c> with values byte/255, and labels 0..9.</returns>
    /// <exception cref="MissingDataException">The folder or a file is missing; the message names <see cref="SetupCommand"/>.</exception>
    /// <exception cref="DataFormatException">A file is malformed, the images are not 28×28, or a label is not a digit.</exception>
    public static ImageDataset Load(string directory, MnistSplit split, int? limit = null)
    {
        ArgumentNullException.ThrowIfNull(directory);
        if (limit is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(limit), limit, "limit must not be negative");
        }

        if (!Directory.Exists(directory))
        {
            string full = Path.GetFullPath(directory);
            throw new MissingDataException(full, $"MNIST directory {full} does not exist; run {SetupCommand} from the repository root, which fetches MNIST into {DefaultDirectory}/");
        }

        string imagesPath = Path.Combine(directory, ImagesFileName(split));
        string labelsPath = Path.Combine(directory, LabelsFileName(split));
        foreach (string path in (ReadOnlySpan<string>)[imagesPath, labelsPath])
        {
            if (!File.Exists(path))
            {
                string full = Path.GetFullPath(path);
                throw new MissingDataException(full, $"MNIST file {full} is missing; run {SetupCommand} from the repository root, which fetches MNIST into {DefaultDirectory}/");
            }
        }

        ImageDataset data = IdxDataset.Load(imagesPath, labelsPath, limit);
        if (data.Channels != 1 || data.Height != Side || data.Width != Side)
        {
            throw new DataFormatException(imagesPath, $"images are {data.Channels}×{data.Height}×{data.Width}; MNIST images are 1×{Side}×{Side}");
        }

        data.ClassCounts(Classes, labelsPath);
        return data;
    }

    private static string Prefix(MnistSplit split) => split == MnistSplit.Train ? "train" : "t10k";
}
